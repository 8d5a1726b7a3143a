package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputPumpTest {
  @TempDir Path dir;

  @Test
  void theFileKeepsTheTailWithinTheBoundAndCountsExactlyWhatItDropped() throws IOException {
    byte[] output = numbers(200_000);
    Path file = dir.resolve("out");
    OutputPump pump = new OutputPump(new ByteArrayInputStream(output), OutputPump.open(file), file, 10_000);

    pump.run();
    pump.seal();

    byte[] kept = Files.readAllBytes(file);
    assertThat(kept.length).isBetween(5_000, 10_000);
    assertThat(new String(output, StandardCharsets.US_ASCII)).endsWith(new String(kept, StandardCharsets.US_ASCII));
    assertThat(pump.droppedBytes()).isEqualTo(output.length - kept.length);
    assertThat(pump.discardedBytes()).isZero();
  }

  @Test
  void aBoundSmallerThanOneReadKeepsExactlyTheBound() throws IOException {
    byte[] output = numbers(100_000);
    Path file = dir.resolve("out");
    OutputPump pump = new OutputPump(new ByteArrayInputStream(output), OutputPump.open(file), file, 100);

    pump.run();

    assertThat(Files.size(file)).isLessThanOrEqualTo(100);
    assertThat(pump.droppedBytes() + Files.size(file)).isEqualTo(output.length);
  }

  @Test
  void outputReadAfterTheSealIsCountedAndNotWritten() throws Exception {
    Path file = dir.resolve("out");
    PipedOutputStream writer = new PipedOutputStream();
    OutputPump pump = new OutputPump(new PipedInputStream(writer, 1 << 16), OutputPump.open(file), file, 1000);
    Thread t = new Thread(pump, "test-pump");
    t.start();
    writer.write("before\n".getBytes(StandardCharsets.US_ASCII));
    writer.flush();
    pump.awaitDrained(Duration.ofSeconds(10));

    pump.seal();
    writer.write("after\n".getBytes(StandardCharsets.US_ASCII));
    writer.close();

    assertThat(pump.awaitEnd(Duration.ofSeconds(10))).isTrue();
    assertThat(Files.readString(file)).isEqualTo("before\n");
    assertThat(pump.discardedBytes()).isEqualTo(6);
    assertThat(pump.tail(4096)).isEqualTo("before\n");
  }

  @Test
  void aFileThatCannotBeWrittenStillHasItsStreamReadToTheEnd() throws IOException {
    byte[] output = numbers(50_000);
    ByteArrayInputStream in = new ByteArrayInputStream(output);
    Path file = dir.resolve("out");
    FileChannel broken = OutputPump.open(file);
    broken.close(); // every write now fails, as on a full disk

    OutputPump pump = new OutputPump(in, broken, file, 10_000);
    pump.run();

    assertThat(in.available()).as("unread bytes").isZero();
    assertThat(pump.writeError()).isNotNull();
    assertThat(pump.discardedBytes()).isEqualTo(output.length);
  }

  @Test
  void aLinkPlantedWhereTheOutputFileGoesIsNotFollowed() throws IOException {
    Path target = Files.writeString(dir.resolve("precious"), "keep me");
    Path file = Files.createSymbolicLink(dir.resolve("out"), target);

    assertThatThrownBy(() -> OutputPump.open(file)).isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
    assertThat(Files.readString(target)).isEqualTo("keep me");
  }

  @Test
  void anEarlierAttemptsFileIsEmptied() throws IOException {
    Path file = Files.writeString(dir.resolve("out"), "old output");
    OutputPump pump = new OutputPump(new ByteArrayInputStream(new byte[0]), OutputPump.open(file), file, 1000);

    pump.run();

    assertThat(Files.size(file)).isZero();
  }

  private static byte[] numbers(int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      s.append(i).append('\n');
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
