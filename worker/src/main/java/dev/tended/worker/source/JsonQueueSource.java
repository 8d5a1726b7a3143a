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
 * stays complete whatever comes after it.
 *
 * <p>Only a regular file is opened ({@code Files.readAttributes} first), so a FIFO or device at the
 * path is reported as an error instead of blocking the poller. Not thread-safe: owned by the one
 * poller thread of its source.
 */
final class JsonQueueSource implements QueueSource {
  private static final Logger log = LoggerFactory.getLogger(JsonQueueSource.class);

  /** A broken version seen once, waiting for a second sighting. */
  private record Suspect(FileStamp stamp, JsonItemReader.SyntaxFault fault) {}

  private final String name;
  private final Path file;
  private final JsonItemReader reader;
  private final Quarantine quarantine;
  private final Clock clock;
  private final int batchSize;

  private FileStamp done; // the stamp last read completely (or confirmed broken); null: read next
  private Suspect suspect;
  private QueueFault fault; // confirmed, until the file parses again
  private long parses; // for tests: how often the file was actually opened and parsed

  JsonQueueSource(
      String name, Path file, String idField, long maxItemBytes, Quarantine quarantine, Clock clock,
      int batchSize) {
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
    Optional<JsonItemReader.SyntaxFault> broken;
    try {
      parses++;
      broken = reader.read(() -> Files.newInputStream(file), batcher);
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
      copy = quarantine.keep(file, version).toString();
    } catch (IOException e) {
      log.warn("queue_quarantine_failed source={} file={} error={}", name, Kv.q(file), Kv.q(e.toString()));
    }
    QueueFault confirmed = new QueueFault(
        file.getFileName().toString(), f.line(), f.column(), f.reason(), copy,
        fault != null ? fault.since() : clock.instant());
    fault = confirmed;
  }

  private void retryQuarantine(FileStamp version) {
    try {
      String copy = quarantine.keep(file, version).toString();
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
    return new PollOutcome(read, offered, Optional.ofNullable(fault), Optional.empty(), false);
  }

}
