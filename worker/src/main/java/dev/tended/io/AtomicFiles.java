package dev.tended.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that readers see the old content or the new, never a mix, and so that the new
 * content survives a power cut once this returns: write a temporary file in the same folder, force
 * it, move it over the target atomically, force the folder. A failed write leaves the target as it
 * was and removes the temporary file; nothing is retried from possibly-dropped pages, the next call
 * writes everything anew.
 */
public final class AtomicFiles {
  /** How the temporary file's channel is opened; a seam so tests can hand in one that fails. */
  interface ChannelOpener {
    FileChannel open(Path temp) throws IOException;
  }

  private static final ChannelOpener CREATE_NEW =
      temp -> FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  private AtomicFiles() {}

  /** Atomically replaces {@code target} with {@code data}, creating parent folders as needed. */
  public static void write(Path target, byte[] data) throws IOException {
    write(target, data, CREATE_NEW);
  }

  static void write(Path target, byte[] data, ChannelOpener opener) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + target.getFileName() + ".tmp-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    boolean moved = false;
    try {
      try (FileChannel ch = opener.open(temp)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Forces a folder's entries (a rename or a new file in it) to stable storage. */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
