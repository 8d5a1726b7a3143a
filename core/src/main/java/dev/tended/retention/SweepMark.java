package dev.tended.retention;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tended.io.AtomicFiles;
import dev.tended.io.DataFolder;
import dev.tended.io.IoErrors;
import dev.tended.logging.Kv;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far this data folder's sweep has read the identity records of pruned items
 * ({@code dataDir/retention-swept.json}, {@code {"prunedUpTo": "<instant>"}}), so that a restarted
 * worker goes on from there instead of reading every identity record again. Losing it costs one
 * full sweep, never a file: a missing or unreadable mark reads as the start of time, and a mark that
 * cannot be saved is logged ({@code retention_mark_failed}) and tried again at the next run.
 *
 * <p>Stateless: every call reads or replaces the file; a worker and {@code tended prune} may both
 * move it (the later write wins, and an earlier mark only makes the next sweep read more).
 */
public final class SweepMark {
  /** The file's name in the data folder. */
  public static final String FILE = "retention-swept.json";
  private static final Logger log = LoggerFactory.getLogger(SweepMark.class);

  private final Path dataDir;
  private final Path file;

  private SweepMark(Path dataDir) {
    this.dataDir = Objects.requireNonNull(dataDir);
    this.file = dataDir.resolve(FILE);
  }

  /** The mark of the data folder {@code dataDir}. */
  public static SweepMark in(Path dataDir) {
    return new SweepMark(dataDir);
  }

  /** The file's content. */
  record Saved(@JsonProperty("prunedUpTo") Instant prunedUpTo) {}

  /** When the newest identity record swept so far was pruned; {@link Instant#EPOCH} when none was. */
  public Instant read() {
    try {
      DataFolder.checkBelow(dataDir, file);
      Saved saved = StatusFiles.mapper().readValue(file.toFile(), Saved.class);
      return saved.prunedUpTo() == null ? Instant.EPOCH : saved.prunedUpTo();
    } catch (NoSuchFileException | java.io.FileNotFoundException none) {
      return Instant.EPOCH;
    } catch (IOException e) {
      failed("read", e);
      return Instant.EPOCH;
    }
  }

  /** Saves {@code prunedUpTo}; a failure is logged, not thrown. */
  public void write(Instant prunedUpTo) {
    try {
      DataFolder.checkBelow(dataDir, file);
      AtomicFiles.write(file, StatusFiles.mapper().writeValueAsBytes(new Saved(prunedUpTo)));
    } catch (IOException e) {
      failed("write", e);
    }
  }

  private void failed(String what, IOException e) {
    log.warn("retention_mark_failed op={} path={} error={} action={}", what, Kv.q(file), Kv.q(IoErrors.describe(e)),
        Kv.q(what.equals("read") ? "this sweep reads every identity record, and saves a new mark"
            : "the next sweep starts from the last saved mark"));
  }
}
