package dev.tended.testkit;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Reads a worker's status file for waiting on conditions. "Absent" is empty. A file that exists and
 * does not parse fails the test ({@link AssertionError}), since the worker replaces it atomically and
 * a reader must never see it half-written; a {@link #tolerant} probe reads it as absent instead, for
 * the fault scenarios that write garbage into it on purpose and the benchmark, which measures rather
 * than judges. {@link #await} looks every few milliseconds, so the time it reports is close to when
 * the status appeared (the benchmark times beats with it). Stateless apart from its path.
 */
public final class StatusProbe {
  private static final long LOOK_EVERY_MS = 3;
  private final Path file;
  private final boolean tolerant;

  /** A strict probe: a status file that does not parse fails the test. */
  public StatusProbe(Path file) {
    this(file, false);
  }

  private StatusProbe(Path file, boolean tolerant) {
    this.file = file;
    this.tolerant = tolerant;
  }

  /** A probe that reads a status file that does not parse as no status at all. */
  public static StatusProbe tolerant(Path file) {
    return new StatusProbe(file, true);
  }

  public Path file() {
    return file;
  }

  /** The status, empty when there is no file yet; a file that does not parse: see the class comment. */
  public Optional<WorkerStatus> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(StatusFiles.read(file));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      if (tolerant) {
        return Optional.empty();
      }
      throw new AssertionError("status file " + file + " exists but does not parse: " + e.getMessage(), e);
    }
  }

  public long sequence() {
    return read().map(WorkerStatus::sequence).orElse(-1L);
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
    throw new TimeoutException("no status matching the condition in " + file + " within " + limit
        + "; last: " + read().map(StatusProbe::brief).orElse("none"));
  }

  /**
   * Waits for a status that satisfies {@code done} for as long as the work keeps moving: gives up only
   * when {@code progress} (e.g. the items finished) has not grown for {@code stall}. A busy machine
   * makes the work slower, not stuck, and a deadline fixed in advance fails a slow but healthy run;
   * this one scales with the run's own pace, while a real hang still ends the wait.
   */
  public Seen awaitWhileProgressing(Predicate<WorkerStatus> done, ToLongFunction<WorkerStatus> progress,
      Duration stall) throws TimeoutException, InterruptedException {
    long best = Long.MIN_VALUE;
    long movedAt = System.nanoTime();
    while (System.nanoTime() - movedAt < stall.toNanos()) {
      Optional<WorkerStatus> s = read();
      if (s.isPresent()) {
        if (done.test(s.get())) {
          return new Seen(s.get(), System.nanoTime());
        }
        long now = progress.applyAsLong(s.get());
        if (now > best) {
          best = now;
          movedAt = System.nanoTime();
        }
      }
      Thread.sleep(LOOK_EVERY_MS);
    }
    throw new TimeoutException("no progress in " + file + " for " + stall + " (stuck at " + best + "); last: "
        + read().map(StatusProbe::brief).orElse("none"));
  }

  private static String brief(WorkerStatus s) {
    return "pid " + s.pid() + ", state " + s.state() + ", sequence " + s.sequence() + ", sources " + s.sources();
  }

  /** A beat of the worker with this pid. */
  public static Predicate<WorkerStatus> beatOf(long pid) {
    return s -> s.pid() == pid && "running".equals(s.state());
  }

  /** A beat of a worker other than {@code pid}. */
  public static Predicate<WorkerStatus> beatOfAnotherThan(long pid) {
    return s -> s.pid() != pid && "running".equals(s.state());
  }

  /** A status and when it was seen ({@link System#nanoTime()}). */
  public record Seen(WorkerStatus status, long atNanos) {}
}
