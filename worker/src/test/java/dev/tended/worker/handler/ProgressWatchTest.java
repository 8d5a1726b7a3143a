package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress clock on a real progress file and a counted output, with time moved by the test: a
 * touch or a byte restarts it, silence for the timeout stops the handler.
 */
class ProgressWatchTest {
  private static final long START = 1_000_000_000L;
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @TempDir Path dir;
  private Path file;
  private final AtomicLong output = new AtomicLong();

  @BeforeEach
  void emptyProgressFile() throws IOException {
    file = Files.createFile(dir.resolve("attempt-1.progress"));
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-12-01T10:00:00Z")));
  }

  private ProgressWatch watch(Duration timeout) {
    return new ProgressWatch(file, timeout, output::get, START);
  }

  private void touch(String at) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse(at)));
  }

  @Test
  void aSilentHandlerHasMadeNoProgressOnceTheTimeoutPassedSinceItsStart() {
    ProgressWatch w = watch(Duration.ofSeconds(2));

    assertThat(w.check(START + SECOND)).isEmpty();
    assertThat(w.check(START + 2 * SECOND - 1)).isEmpty();
    assertThat(w.check(START + 2 * SECOND)).contains("no progress for 2s");
  }

  @Test
  void touchingTheProgressFileRestartsTheClock() throws IOException {
    ProgressWatch w = watch(Duration.ofSeconds(2));
    assertThat(w.check(START + SECOND)).isEmpty();

    touch("2026-12-01T10:00:01.5Z");
    assertThat(w.check(START + 3 * SECOND / 2)).isEmpty();

    assertThat(w.check(START + 3 * SECOND)).as("1.5 s after the touch was seen").isEmpty();
    assertThat(w.check(START + 7 * SECOND / 2)).contains("no progress for 2s");
  }

  @Test
  void aTouchThatSetsTheFileBackInTimeIsProgressToo() throws IOException {
    ProgressWatch w = watch(Duration.ofSeconds(2));

    touch("2020-01-01T00:00:00Z");

    assertThat(w.check(START + 3 * SECOND / 2)).isEmpty();
    assertThat(w.check(START + 3 * SECOND)).isEmpty();
  }

  @Test
  void outputOnEitherStreamIsProgress() {
    ProgressWatch w = watch(Duration.ofSeconds(2));

    output.addAndGet(10);
    assertThat(w.check(START + 3 * SECOND / 2)).isEmpty();

    assertThat(w.check(START + 3 * SECOND)).isEmpty();
    assertThat(w.check(START + 4 * SECOND)).contains("no progress for 2s");
  }

  @Test
  void aRemovedProgressFileIsNoProgressAndNoError() throws IOException {
    ProgressWatch w = watch(Duration.ofMillis(500));
    Files.delete(file);

    assertThat(w.check(START + SECOND)).contains("no progress for 500ms");
  }

  @Test
  void withoutAProgressFileOnlyOutputCounts() {
    ProgressWatch w = new ProgressWatch(null, Duration.ofSeconds(1), output::get, START);

    output.incrementAndGet();
    assertThat(w.check(START + SECOND / 2)).isEmpty();
    assertThat(w.check(START + 3 * SECOND / 2)).as("1 s after the output").contains("no progress for 1s");
  }

  @Test
  void aZeroTimeoutNeverStopsAnything() {
    ProgressWatch w = watch(Duration.ZERO);

    assertThat(w.on()).isFalse();
    assertThat(w.check(START + 1_000_000 * SECOND)).isEmpty();
  }
}
