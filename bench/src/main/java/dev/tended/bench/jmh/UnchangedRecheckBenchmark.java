package dev.tended.bench.jmh;

import dev.tended.config.TendedConfig;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueSource;
import dev.tended.worker.source.QueueSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one poll of a json-queue file that has not changed since it was last read (the poll
 * that happens every {@code pollInterval} all day long), next to a bare {@code stat} of the same file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UnchangedRecheckBenchmark {
  private Path dir;
  private Path file;
  private QueueSource source;

  /** A 1 000-item queue file, read once so that the source knows it. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("tended-bench-recheck-");
    TendedConfig config = Fixtures.oneQueue(dir);
    file = config.sources().get(0).path();
    Fixtures.writeIdeas(file, 1_000, "v1");
    source = QueueSources.create(config.sources().get(0), config.quarantineDir(), Clock.systemUTC());
    PollOutcome first = source.poll(batch -> { });
    if (!first.readFile()) {
      throw new IllegalStateException("the first poll did not read the file");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Fixtures.delete(dir);
  }

  /** One poll of the unchanged file. */
  @Benchmark
  public PollOutcome pollUnchanged() throws IOException {
    PollOutcome o = source.poll(batch -> {
      throw new IllegalStateException("an unchanged file was read");
    });
    return o;
  }

  /** A bare {@code stat} of the same file: the floor. */
  @Benchmark
  public BasicFileAttributes statOnly() throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class);
  }
}
