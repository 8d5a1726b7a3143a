package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bounding and cutting of one output file, through both ways of shortening it. */
class OutputFileTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "collapse={0}")
  @ValueSource(booleans = {true, false})
  void runningTrimKeepsTheEndAndCountsWhatItDropped(boolean collapse) throws IOException {
    Path path = tmp.resolve("out");
    OutputFile file = new OutputFile(path, 16 * 1024, collapse);
    file.reset();
    byte[] written = lines(100_000);
    Files.write(path, written);

    file.trimIfOver();

    byte[] kept = Files.readAllBytes(path);
    assertThat(kept.length).isLessThanOrEqualTo(16 * 1024).isGreaterThanOrEqualTo(12 * 1024);
    assertThat(endOf(written, kept.length)).isEqualTo(kept);
    assertThat(file.droppedBytes()).isEqualTo(written.length - kept.length);
  }

  @ParameterizedTest(name = "collapse={0}")
  @ValueSource(booleans = {true, false})
  void finishCutsLateOutputThenKeepsExactlyTheBound(boolean collapse) throws IOException {
    Path path = tmp.resolve("out");
    OutputFile file = new OutputFile(path, 10_000, collapse);
    file.reset();
    byte[] beforeDecision = lines(50_000);
    Files.write(path, beforeDecision);
    Files.writeString(path, "late\n", StandardOpenOption.APPEND);

    file.finish(beforeDecision.length);

    assertThat(Files.readAllBytes(path)).isEqualTo(endOf(beforeDecision, 10_000));
    assertThat(file.droppedBytes()).isEqualTo(beforeDecision.length - 10_000);
  }

  @Test
  void fileUnderTheBoundIsLeftAlone() throws IOException {
    Path path = tmp.resolve("out");
    OutputFile file = new OutputFile(path, 1000);
    file.reset();
    Files.writeString(path, "short\n");

    file.trimIfOver();
    file.finish(6);

    assertThat(Files.readString(path)).isEqualTo("short\n");
    assertThat(file.droppedBytes()).isZero();
  }

  @Test
  void tailSkipsACharacterCutAtItsStartAndReplacesMalformedBytes() throws IOException {
    Path path = tmp.resolve("out");
    OutputFile file = new OutputFile(path, 1000);
    // "é" is two bytes; a 4-byte tail starts in the middle of it. 0xFF is never valid UTF-8.
    Files.write(path, new byte[] {'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, 'b', '\n'});

    assertThat(file.tail(4)).isEqualTo("\uFFFDb\n");
    assertThat(file.tail(5)).isEqualTo("\u00e9\uFFFDb\n");
  }

  @Test
  void resetEmptiesWhatAnEarlierAttemptLeft() throws IOException {
    Path path = tmp.resolve("attempt/out");
    Files.createDirectories(path.getParent());
    Files.writeString(path, "old attempt\n");

    new OutputFile(path, 1000).reset();

    assertThat(path).isEmptyFile();
  }

  private static byte[] lines(int count) {
    StringBuilder s = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      s.append(i).append('\n');
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] endOf(byte[] all, int length) {
    byte[] end = new byte[length];
    System.arraycopy(all, all.length - length, end, 0, length);
    return end;
  }
}
