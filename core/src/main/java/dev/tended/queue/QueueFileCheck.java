package dev.tended.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses one {@code json-queue} file the way the worker's poller does (the same streaming reader, so
 * the same layouts, the same faults at the same line and column) without taking any item, for
 * {@code health-diagnose}: a queue file that does not parse must be named whether or not a worker is
 * running to report it. Read-only, like the worker; only a regular file is opened, so a FIFO at the
 * path cannot block the check. A file that changes while it is read (a producer writing in place)
 * is read again, a few times at most. Bad lines of a JSON Lines file are listed, not a fault: the
 * lines after them are taken, and a bad line stays in an append-only file for ever (the worker
 * reports each once, see the operations guide); a last line without its newline yet is neither.
 */
public final class QueueFileCheck {
  private static final int ATTEMPTS = 3;

  /**
   * What one read of the file found.
   *
   * @param present false when nothing is at the path (a json-queue with no file has nothing to do)
   * @param items how many complete items were read (before the fault, if there is one)
   * @param fault where and why it stopped parsing, or why it could not be read at all
   * @param badLineCount how many complete lines of a JSON Lines file were skipped as bad items
   * @param badLines the first of them
   */
  public record Result(Path file, boolean present, long items, Optional<Fault> fault, int badLineCount,
      List<Fault> badLines) {
    public Result {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(fault, "fault");
      badLines = List.copyOf(badLines);
    }

    Result(Path file, boolean present, long items, Optional<Fault> fault) {
      this(file, present, items, fault, 0, List.of());
    }

    public boolean ok() {
      return fault.isEmpty();
    }
  }

  /**
   * @param line 1-based, 0 when the fault is not in the content (unreadable, not a regular file)
   * @param column 1-based (bytes for UTF-8), 0 when unknown
   */
  public record Fault(int line, int column, String reason) {
    public Fault {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private QueueFileCheck() {}

  /** Reads {@code file} to its end or its first syntax fault; never throws. */
  public static Result check(Path file, String idField, long maxItemBytes) {
    Result last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      BasicFileAttributes before;
      try {
        before = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        return new Result(file, false, 0, Optional.empty());
      } catch (IOException | RuntimeException e) {
        return new Result(file, true, 0, Optional.of(new Fault(0, 0, "cannot stat: " + e)));
      }
      if (!before.isRegularFile()) {
        return new Result(file, true, 0, Optional.of(new Fault(0, 0,
            "not a regular file (" + FileStamp.kindOf(before) + ")")));
      }
      long[] count = {0};
      JsonItemReader.Reading reading;
      try {
        Batcher counter = new Batcher(batch -> count[0] += batch.size(), 256);
        reading = new JsonItemReader(idField, maxItemBytes).read(JsonItemReader.Opener.of(file), counter);
        counter.flush();
      } catch (NoSuchFileException e) {
        return new Result(file, false, 0, Optional.empty());
      } catch (IOException | RuntimeException e) {
        return new Result(file, true, count[0], Optional.of(new Fault(0, 0, "cannot read: " + e)));
      }
      last = new Result(file, true, count[0],
          reading.fault().map(f -> new Fault(f.line(), f.column(), f.reason())), reading.badLineCount(),
          reading.badLines().stream().map(b -> new Fault(b.line(), b.column(), b.reason())).toList());
      if (last.ok() || unchanged(file, before)) {
        return last;
      }
    }
    return last;
  }

  private static boolean unchanged(Path file, BasicFileAttributes before) {
    try {
      return FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class)).equals(FileStamp.of(before));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
