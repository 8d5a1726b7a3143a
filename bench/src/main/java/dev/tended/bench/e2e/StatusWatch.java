package dev.tended.bench.e2e;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Waits on the worker's {@code status.json}, looking every few milliseconds. */
public final class StatusWatch {
  private static final long LOOK_EVERY_MS = 3;
  private final Path file;

  public StatusWatch(Path file) {
    this.file = file;
  }

  /** The status now, empty when absent or unreadable. */
  public Optional<WorkerStatus> read() {
    try {
      return Optional.of(StatusFiles.read(file));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * Waits for a status that satisfies {@code condition}; returns it and {@link System#nanoTime()}
   * when it was seen.
   */
  public Seen await(Predicate<WorkerStatus> condition, Duration limit) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<WorkerStatus> s = read();
      if (s.isPresent() && condition.test(s.get())) {
        return new Seen(s.get(), System.nanoTime());
      }
      Thread.sleep(LOOK_EVERY_MS);
    }
    throw new TimeoutException("no status matching the condition in " + file + " within " + limit);
  }

  /** A beat of the worker with this pid. */
  public static Predicate<WorkerStatus> beatOf(long pid) {
    return s -> s.pid() == pid && "running".equals(s.state());
  }

  /** A beat of a worker other than {@code pid}. */
  public static Predicate<WorkerStatus> beatOfAnotherThan(long pid) {
    return s -> s.pid() != pid && "running".equals(s.state());
  }

  /** A status and when it was seen. */
  public record Seen(WorkerStatus status, long atNanos) {}
}
