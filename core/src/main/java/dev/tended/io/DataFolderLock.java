package dev.tended.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One process of a kind per data folder: two workers on one ledger would each put the other's running
 * items back to pending at start and run them a second time, side by side. An exclusive
 * {@link FileLock} on a file in the data folder, released by the kernel when the process dies however
 * it dies (so a {@code kill -9} never leaves a stale lock behind); the holder's pid is written into
 * the file for the message the next one prints.
 */
public final class DataFolderLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataFolderLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or empty when another process holds it. */
  public static Optional<DataFolderLock> tryAcquire(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        return Optional.empty();
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      return Optional.of(new DataFolderLock(ch, lock));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The pid the holder wrote into {@code file}, if it can be read. */
  public static Optional<Long> holder(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it too
    }
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to do: the kernel drops the lock with the process at the latest
    }
  }
}
