package dev.tended.io;

import dev.tended.posix.FileLocks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One process of a kind per data folder: two workers on one ledger would each put the other's running
 * items back to pending at start and run them a second time, side by side. An exclusive
 * {@link FileLock} on a file in the data folder, released by the kernel when the process dies however
 * it dies (so a {@code kill -9} never leaves a stale lock behind); the holder's pid is written into
 * the file for the message the next one prints.
 */
public final class DataFolderLock implements AutoCloseable {
  /** The worker's lock file in its data folder; only a worker of that folder can hold it. */
  public static final String WORKER = "worker.lock";
  /** The supervisor's lock file in its data folder. */
  public static final String SUPERVISOR = "supervisor.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataFolderLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * The lock, or empty when another process holds it. From then on this process treats the lock's
   * folder as its data folder: no link is followed below it ({@link DataFolder}) until {@link #close}.
   *
   * @throws PlantedLinkException when {@code file} is a symbolic link (it would be truncated through)
   */
  public static Optional<DataFolderLock> tryAcquire(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    FileChannel ch = DataFolder.open(abs, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        return Optional.empty();
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      DataFolder.held(abs.getParent());
      return Optional.of(new DataFolderLock(abs, ch, lock));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * The pid of the process that holds the lock on {@code file} now, as the kernel tells it: proof
   * that it is the one process of its kind on that data folder, which the pid written into the file
   * ({@link #holder}) is not (a stale file outlives its writer, and a pid is reused). Empty when no
   * process holds it, when it is held by this process, or when it cannot be told (the file is
   * missing or a symbolic link, the holder is in another pid namespace, no C library binding).
   */
  public static OptionalLong heldBy(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return OptionalLong.empty();
    }
    return FileLocks.holder(file);
  }

  /** The pid the holder wrote into {@code file}, if it can be read: for messages only. */
  public static Optional<Long> holder(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    DataFolder.released(file.getParent());
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
