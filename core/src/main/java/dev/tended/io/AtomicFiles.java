package dev.tended.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that readers see the old content or the new, never a mix, and so that the new
 * content survives a power cut once this returns: write a temporary file in the same folder, force
 * it, move it over the target atomically, force the folder. A failed write leaves the target as it
 * was and removes the temporary file; nothing is retried from possibly-dropped pages, the next call
 * writes everything anew.
 *
 * <p>Inside a data folder no symbolic link is followed ({@link DataFolder}): a linked folder is
 * refused, a link at the target's own name is replaced by the rename (and reported), never written
 * through.
 *
 * <p>Every durable step goes through one {@link FileOps} seam: the real file system, wrapped only
 * where a {@link FileOpsWrapper} is on the class path (the test kit's power cut and failing forces;
 * the shipped jars hold none).
 */
public final class AtomicFiles {
  /** Folders this process has made sure of (created or found, then their parent forced). */
  private static final Set<Path> DURABLE_FOLDERS = ConcurrentHashMap.newKeySet();

  private AtomicFiles() {}

  /** Chosen once per process, from the class path. */
  private static final class Current {
    static final FileOps OPS = FileOpsWrapper.wrapSystem();
  }

  /** Atomically replaces {@code target} with {@code data}, creating parent folders as needed. */
  public static void write(Path target, byte[] data) throws IOException {
    write(target, data, Current.OPS);
  }

  public static void write(Path target, byte[] data, FileOps ops) throws IOException {
    write(target, data, null, ops);
  }

  /**
   * Like {@link #write(Path, byte[])}, the new file with exactly {@code permissions} whatever the umask
   * (e.g. {@code rw-r--r--} for a file another user's daemon reads, as node_exporter reads the metrics).
   */
  public static void write(Path target, byte[] data, Set<PosixFilePermission> permissions) throws IOException {
    write(target, data, java.util.Objects.requireNonNull(permissions), Current.OPS);
  }

  private static void write(Path target, byte[] data, Set<PosixFilePermission> permissions, FileOps ops)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createDirectories(dir, ops);
    DataFolder.replacing(target);
    Path temp = dir.resolve("." + target.getFileName() + ".tmp-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    boolean moved = false;
    try {
      try (FileChannel ch = ops.createNew(temp)) {
        if (permissions != null) {
          Files.setPosixFilePermissions(temp, permissions);
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ops.force(ch, temp);
      }
      ops.move(temp, target);
      moved = true;
      ops.forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Copies {@code source} into {@code copy}, a new file, and forces it; after a failure {@code copy}
   * may hold anything and must not be used (the caller removes it and starts again).
   */
  public static void copy(Path source, Path copy) throws IOException {
    copy(source, copy, Current.OPS);
  }

  public static void copy(Path source, Path copy, FileOps ops) throws IOException {
    copy(source, 0, Long.MAX_VALUE, copy, ops);
  }

  /** Like {@link #copy(Path, Path)}, of the bytes {@code [from, to)} of {@code source} only. */
  public static void copy(Path source, long from, long to, Path copy) throws IOException {
    copy(source, from, to, copy, Current.OPS);
  }

  private static void copy(Path source, long from, long to, Path copy, FileOps ops) throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = ops.createNew(copy)) {
      long size = Math.min(in.size(), to);
      long done = from;
      while (done < size) {
        long n = in.transferTo(done, size - done, out);
        if (n <= 0) {
          break; // the source shrank while copied
        }
        done += n;
      }
      ops.force(out, copy);
    }
  }

  /** Renames {@code from} to {@code to} (in the same folder) atomically, then forces that folder. */
  public static void move(Path from, Path to) throws IOException {
    move(from, to, Current.OPS);
  }

  public static void move(Path from, Path to, FileOps ops) throws IOException {
    ops.move(from, to);
    ops.forceDirectory(to.toAbsolutePath().getParent());
  }

  /**
   * Creates {@code dir} and any missing parents so that they survive a power cut: each folder created
   * is followed by a force of its parent, since a new folder's name lives in its parent. The first
   * time a process uses a folder that was already there it forces that folder's parent too: an
   * earlier process may have been killed between creating it and forcing, or another thread may
   * still be about to force it. (Older ancestors are not revisited; the data folder itself is forced
   * by every status write.)
   */
  public static void createDirectories(Path dir) throws IOException {
    createDirectories(dir, Current.OPS);
  }

  public static void createDirectories(Path dir, FileOps ops) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    DataFolder.check(abs); // before: a linked folder would have the new ones made inside its target
    if (DURABLE_FOLDERS.contains(abs) && Files.isDirectory(abs)) {
      return;
    }
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) {
      try {
        ops.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
      }
      if (p.getParent() != null) {
        ops.forceDirectory(p.getParent());
      }
    }
    if (missing.isEmpty() && abs.getParent() != null) {
      ops.forceDirectory(abs.getParent());
    }
    DataFolder.check(abs);
    DURABLE_FOLDERS.add(abs);
  }

  /**
   * Removes the temporary files that writes of {@code target} left behind when their process was
   * killed between creating and renaming them ({@code .<name>.tmp-*}); returns how many. Only for a
   * caller that is the one writer of {@code target} (the worker holds its data folder's lock), since a
   * live writer's temporary file would be taken from under it.
   */
  public static int removeStaleTemps(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (java.nio.file.DirectoryStream<Path> temps =
        Files.newDirectoryStream(dir, "." + target.getFileName() + ".tmp-*")) {
      for (Path t : temps) {
        if (Files.deleteIfExists(t)) {
          removed++;
        }
      }
    }
    return removed;
  }

  /** Forces a folder's entries (a rename or a new file in it) to stable storage. */
  public static void forceDirectory(Path dir) throws IOException {
    Current.OPS.forceDirectory(dir);
  }
}
