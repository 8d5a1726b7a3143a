package dev.tended.worker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
  void bytesTakenFromThePipeButNotYetStoredAreWaitedForBeforeTheSeal() throws Exception {
    Path file = dir.resolve("out");
    SlowHandOver pipe = new SlowHandOver("last line\n".getBytes(StandardCharsets.US_ASCII));
    OutputPump pump = new OutputPump(pipe, () -> { }, OutputPump.open(file), file, 1000);
    Thread reader = new Thread(pump, "test-pump");
    reader.setDaemon(true);
    reader.start();
    pipe.taken.await();

    // The pipe is empty now, the pump has not stored the line yet: this is the moment a handler's exit is seen.
    Thread conclusion = new Thread(() -> {
      pump.awaitDrained(Duration.ofSeconds(30));
      pump.seal();
    }, "test-conclusion");
    conclusion.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> conclusion.getState() == Thread.State.BLOCKED
        || conclusion.getState() == Thread.State.WAITING || conclusion.getState() == Thread.State.TIMED_WAITING
        || conclusion.getState() == Thread.State.TERMINATED);
    pipe.handOver.countDown();
    conclusion.join(30_000);

    assertThat(Files.readString(file)).isEqualTo("last line\n");
    assertThat(pump.discardedBytes()).isZero();
    pipe.end();
    reader.join(30_000);
  }

  /** A pipe holding one write, whose read takes the bytes out, then waits to be let go before returning them. */
  private static final class SlowHandOver implements OutputPump.Source {
    final CountDownLatch taken = new CountDownLatch(1);
    final CountDownLatch handOver = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<byte[]> inPipe;

    SlowHandOver(byte[] written) {
      inPipe = new AtomicReference<>(written);
    }

    @Override
    public boolean awaitReadable(int waitMillis) throws IOException {
      try {
        return inPipe.get().length > 0 || ended.await(waitMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }

    @Override
    public int read(byte[] buf) throws IOException {
      byte[] b = inPipe.getAndSet(new byte[0]);
      if (b.length == 0) {
        return ended.getCount() == 0 ? -1 : 0;
      }
      taken.countDown();
      try {
        handOver.await(); // descheduled between the read(2) and storing what it returned
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      System.arraycopy(b, 0, buf, 0, b.length);
      return b.length;
    }

    @Override
    public int pending() {
      return inPipe.get().length;
    }

    void end() {
      ended.countDown();
    }
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
