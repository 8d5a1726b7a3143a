package dev.tended.worker.source;

import dev.tended.queue.QueueSource;
import dev.tended.queue.ItemSink;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.SinkFailedException;
import dev.tended.queue.Batcher;
import dev.tended.queue.JsonItemReader;
import dev.tended.queue.FileStamp;

import dev.tended.io.IoErrors;
import dev.tended.logging.Kv;
import dev.tended.status.QueueFault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code json-queue} source: one file, re-read whenever its {@link FileStamp} changes, and only
 * {@code stat}ed otherwise. The file is never written, moved or locked.
 *
 * <p><b>Telling a file caught mid-write from a broken one.</b> A producer that does not replace its
 * file atomically can be read while it is half-way through a write. So a parse fault is only
 * suspected at first:
 *
 * <ol>
 *   <li>The stamp is taken before and after reading. If it changed during the read the producer was
 *       writing: no fault is suspected and the file is read again at the next poll.
 *   <li>Otherwise the broken version (its stamp and where it broke) is suspected. If the next poll
 *       finds the very same stamp, the producer had a whole poll interval to finish and did not: the
 *       fault is confirmed, a copy is quarantined, and the fault is reported on every poll until
 *       the file parses again. A copy that could not be made is tried again, from scratch, at each
 *       later poll of the same version. If the stamp differs, the new version is simply read.
 * </ol>
 *
 * Items complete before a fault are handed over at the first sighting either way: a complete item
 * stays complete whatever comes after it. That is for a JSON array, which is whole or broken.
 *
 * <p><b>JSON Lines.</b> A complete line (ended by its newline) that does not parse is one bad item:
 * the lines after it are taken ({@link JsonItemReader#read}). Producers only append, so a bad line
 * stays in the file for ever; it is therefore reported once, not on every poll: a {@code
 * queue_line_rejected} event naming file and line, a copy of the line in quarantine, and the source's
 * {@code fault} in the status file (so {@code health-diagnose} is degraded) for {@link
 * #BAD_LINE_SHOWN_FOR} after it was first seen, then it clears by itself. A restarted worker reports
 * it again in the log, but shows it only for what is left of that time (its quarantine copy tells
 * when it was first seen). A last line without its newline that does not parse is a producer still
 * writing it: never a fault, read again when the file changes.
 *
 * <p>Only a regular file is opened ({@code Files.readAttributes} first), so a FIFO or device at the
 * path is reported as an error instead of blocking the poller. Not thread-safe: owned by the one
 * poller thread of its source.
 */
final class JsonQueueSource implements QueueSource {
  private static final Logger log = LoggerFactory.getLogger(JsonQueueSource.class);

  /** A broken version seen once, waiting for a second sighting. */
  private record Suspect(FileStamp stamp, JsonItemReader.SyntaxFault fault) {}

  /** How long a bad line of a JSON Lines file stays the source's reported fault. */
  static final Duration BAD_LINE_SHOWN_FOR = Duration.ofHours(1);

  /** At most this many new bad lines are logged and copied per poll; the rest are counted. */
  static final int BAD_LINES_REPORTED_PER_POLL = 10;

  private final String name;
  private final Path file;
  private final JsonItemReader.Opener opener;
  private final JsonItemReader reader;
  private final Quarantine quarantine;
  private final Clock clock;
  private final int batchSize;

  private FileStamp done; // the stamp last read completely (or confirmed broken); null: read next
  private Suspect suspect;
  private QueueFault fault; // confirmed, until the file parses again
  private QueueFault lineReport; // the latest bad line, shown until lineReportUntil
  private Instant lineReportUntil = Instant.MIN;
  private Object linesOf; // the file key of the file whose bad lines have been reported
  private long linesOfSize; // its size then: a shorter file is another file
  private int reportedUpTo; // the last bad line reported (1-based), 0: none
  private int reportedCount; // how many bad lines of that file have been reported
  private long parses;
  private long faultOffset = -1; // where the confirmed fault's file broke: the centre of its copy // for tests: how often the file was actually opened and parsed

  JsonQueueSource(
      String name, Path file, String idField, long maxItemBytes, Quarantine quarantine, Clock clock,
      int batchSize) {
    this.opener = JsonItemReader.Opener.of(file);
    this.name = Objects.requireNonNull(name, "name");
    this.file = Objects.requireNonNull(file, "file");
    this.reader = new JsonItemReader(idField, maxItemBytes);
    this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    this.batchSize = batchSize;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PollOutcome poll(ItemSink sink) throws IOException {
    Objects.requireNonNull(sink, "sink");
    Optional<BasicFileAttributes> attrs;
    try {
      attrs = stat();
    } catch (IOException e) {
      forget();
      return PollOutcome.failed(file + ": cannot stat: " + e);
    }
    if (attrs.isEmpty()) {
      forget();
      return PollOutcome.absentPath();
    }
    if (!attrs.get().isRegularFile()) {
      forget();
      return PollOutcome.failed(file + ": not a regular file (" + FileStamp.kindOf(attrs.get()) + ")");
    }
    FileStamp before = FileStamp.of(attrs.get());
    if (before.equals(done)) {
      if (fault != null && fault.quarantinedAs() == null) {
        retryQuarantine(before); // the copy failed (a full disk, a failed force): made afresh, never trusted
      }
      return outcome(false, 0);
    }
    if (suspect != null && suspect.stamp().equals(before)) {
      confirm(suspect.fault(), before);
      done = before;
      suspect = null;
      return outcome(false, 0);
    }

    Batcher batcher = new Batcher(sink, batchSize);
    JsonItemReader.Reading reading;
    try {
      parses++;
      reading = reader.read(opener, batcher);
      batcher.flush();
    } catch (SinkFailedException e) {
      done = null;
      suspect = null;
      throw e.getCause();
    } catch (NoSuchFileException e) {
      forget();
      return PollOutcome.absentPath();
    } catch (IOException e) {
      done = null;
      suspect = null;
      return PollOutcome.failed("cannot read " + IoErrors.describe(e));
    }

    Optional<FileStamp> after;
    try {
      after = stat().map(FileStamp::of);
    } catch (IOException e) {
      after = Optional.empty(); // cannot tell: treat as changed, read again next poll
    }
    if (!after.equals(Optional.of(before))) {
      log.debug("queue_changed_while_read source={} file={} items={}", name, Kv.q(file), batcher.offered());
      done = null;
      suspect = null;
      return outcome(true, batcher.offered());
    }
    reportBadLines(reading, before);
    Optional<JsonItemReader.SyntaxFault> broken = reading.fault();
    reading.unfinishedLastLine().ifPresent(u -> log.debug(
        "queue_line_unfinished source={} file={} line={} reason={}", name, Kv.q(file), u.line(), Kv.q(u.reason())));
    if (broken.isEmpty()) {
      done = before;
      suspect = null;
      fault = null; // SourcePoller logs queue_fault_cleared when the fault leaves the outcome
      return outcome(true, batcher.offered());
    }
    JsonItemReader.SyntaxFault f = broken.get();
    log.debug("queue_fault_suspected source={} file={} line={} column={} reason={}",
        name, Kv.q(file), f.line(), f.column(), Kv.q(f.reason()));
    done = null;
    suspect = new Suspect(before, f);
    return outcome(true, batcher.offered());
  }

  /** How many times the file has been opened and parsed (not merely stat'ed). */
  long parses() {
    return parses;
  }

  private void confirm(JsonItemReader.SyntaxFault f, FileStamp version) {
    String copy = null;
    try {
      copy = quarantine.keepVersion(file, version, f.offset()).toString();
    } catch (IOException e) {
      log.warn("queue_quarantine_failed source={} file={} error={}", name, Kv.q(file), Kv.q(e.toString()));
    }
    QueueFault confirmed = new QueueFault(
        file.getFileName().toString(), f.line(), f.column(), f.reason(), copy,
        fault != null ? fault.since() : clock.instant());
    fault = confirmed;
    faultOffset = f.offset();
  }

  /** Logs and copies the bad lines this read found that were not reported before. */
  private void reportBadLines(JsonItemReader.Reading reading, FileStamp version) {
    if (!Objects.equals(version.fileKey(), linesOf) || version.size() < linesOfSize) {
      linesOf = version.fileKey(); // another file at the path, or the same one cut: its lines are new
      reportedUpTo = 0;
      reportedCount = 0;
    }
    linesOfSize = version.size();
    if (reading.badLineCount() <= reportedCount) {
      reportedCount = reading.badLineCount(); // lines rewritten in place may have gone
      return;
    }
    int reported = 0;
    int unreported = reading.badLineCount() - reportedCount;
    int lastLine = reportedUpTo;
    for (JsonItemReader.BadLine bad : reading.badLines()) {
      if (bad.line() <= reportedUpTo || reported == BAD_LINES_REPORTED_PER_POLL) {
        continue;
      }
      String copy = null;
      try {
        copy = quarantine.keepLine(file, version, bad.line(), bad.from(), bad.to()).toString();
      } catch (IOException e) {
        log.warn("queue_quarantine_failed source={} file={} error={}", name, Kv.q(file), Kv.q(e.toString()));
      }
      log.warn("queue_line_rejected source={} file={} line={} column={} reason={} quarantined_as={}",
          name, Kv.q(file), bad.line(), bad.column(), Kv.q(bad.reason()), Kv.q(copy));
      Instant since = firstSeen(copy);
      lineReport = new QueueFault(file.getFileName().toString(), bad.line(), bad.column(),
          "bad line, skipped (the lines after it are taken): " + bad.reason(), copy, since);
      lineReportUntil = since.plus(BAD_LINE_SHOWN_FOR);
      reported++;
      unreported--;
      lastLine = bad.line();
    }
    if (unreported > 0) {
      log.warn("queue_lines_rejected source={} file={} count={} note=\"not logged one by one\"",
          name, Kv.q(file), unreported);
    }
    reportedUpTo = Math.max(lastLine, reading.badLines().isEmpty() ? 0
        : reading.badLines().get(reading.badLines().size() - 1).line());
    reportedCount = reading.badLineCount();
  }

  /** When a bad line was first seen: when its copy was made, by this worker or an earlier one. */
  private Instant firstSeen(String copy) {
    Instant now = clock.instant();
    if (copy == null) {
      return now;
    }
    try {
      Instant made = Files.getLastModifiedTime(Path.of(copy)).toInstant();
      return made.isBefore(now) ? made : now;
    } catch (IOException e) {
      return now;
    }
  }

  private void retryQuarantine(FileStamp version) {
    try {
      String copy = quarantine.keepVersion(file, version, faultOffset).toString();
      fault = new QueueFault(fault.file(), fault.line(), fault.column(), fault.reason(), copy, fault.since());
      log.info("queue_quarantined source={} file={} copy={} note=\"on a later poll, the first copy failed\"",
          name, Kv.q(file), Kv.q(copy));
    } catch (IOException e) {
      log.debug("queue_quarantine_failed_again source={} file={} error={}", name, Kv.q(file), Kv.q(e.toString()));
    }
  }

  /** The path no longer holds a readable file: nothing about an earlier version applies. */
  private void forget() {
    done = null;
    suspect = null;
    fault = null; // SourcePoller logs queue_fault_cleared
  }

  private Optional<BasicFileAttributes> stat() throws IOException {
    try {
      return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private PollOutcome outcome(boolean read, int offered) {
    QueueFault shown = fault;
    if (shown == null && lineReport != null && clock.instant().isBefore(lineReportUntil)) {
      shown = lineReport;
    }
    return new PollOutcome(read, offered, Optional.ofNullable(shown), Optional.empty(), false);
  }

}
