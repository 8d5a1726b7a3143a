package dev.tended.worker.handler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one attempt costs, one at a time: {@code bench.attempts} (200) trivial handlers
 * ({@code /bin/true}) through {@link CommandRunner}, each started and awaited before the next, with the
 * time to start (until {@code start} returns) and the whole attempt (until its result exists). A
 * benchmark, not a test: its name keeps it out of the normal test run; run it with
 * {@code mvn -B -o -pl worker -am test -Dtest=AttemptCostBench -Dsurefire.failIfNoSpecifiedTests=false}
 * and read the table it prints.
 */
class AttemptCostBench {
  @TempDir Path tmp;

  @Test
  void trivialHandlersOneAtATime() throws IOException, InterruptedException {
    int attempts = Integer.getInteger("bench.attempts", 200);
    Files.writeString(tmp.resolve("item.json"), "{}\n");
    CommandRunner runner = new CommandRunner();
    HandlerRequest request = new HandlerRequest(List.of("/bin/true"), Map.of(), tmp, tmp.resolve("item.json"),
        tmp.resolve("attempt-1.stdout"), tmp.resolve("attempt-1.stderr"), Duration.ofSeconds(30),
        Duration.ofSeconds(1), 65536);
    for (int i = 0; i < 10; i++) { // warm-up: class loading, the JIT
      runner.start(request).awaitResult();
    }
    long[] starts = new long[attempts];
    long[] totals = new long[attempts];
    long t0 = System.nanoTime();
    for (int i = 0; i < attempts; i++) {
      long a = System.nanoTime();
      RunningHandler running = runner.start(request);
      long b = System.nanoTime();
      HandlerResult result = running.awaitResult();
      long c = System.nanoTime();
      if (result.ending() != HandlerResult.Ending.EXITED || result.exitCode() != 0) {
        throw new IllegalStateException("attempt " + i + ": " + result.detail());
      }
      starts[i] = b - a;
      totals[i] = c - a;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%nattempt cost, %d x /bin/true one at a time, load %s%n", attempts, load());
    System.out.printf("| figure | mean | p50 | p90 | max |%n|---|---|---|---|---|%n");
    row("start() returns", starts);
    row("whole attempt", totals);
    System.out.printf("| attempts per second | %.1f | | | |%n%n", attempts / seconds);
  }

  private static void row(String name, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf("| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", name, Arrays.stream(s).average().orElse(0) / 1e6,
        s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[s.length - 1] / 1e6);
  }

  private static String load() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }
}
