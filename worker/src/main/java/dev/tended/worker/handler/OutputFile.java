package dev.tended.worker.handler;

import dev.tended.io.DataFolder;
import dev.tended.posix.CollapseRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One output file of an attempt (stdout or stderr), which the handler and its children append to
 * directly, and which this class keeps bounded and cuts back to what was written before the
 * outcome was decided. Both work because the handler's descriptors are in append mode: after this
 * class shortens the file, their next write lands at the new end.
 *
 * <p>Shortening drops whole blocks from the start with {@link CollapseRange} where the file system
 * can (ext4, XFS), which is safe against concurrent writes. Elsewhere it copies the end to the start
 * and truncates; then bytes the handler appends in the instant between the last look at the size
 * and the truncation are lost. Either way the file is never much larger than the bound plus what the
 * handler writes between two checks.
 *
 * <p>Not thread-safe: owned by the thread waiting for the attempt.
 */
final class OutputFile {
  private static final int COPY_CHUNK = 64 * 1024;
  private static final int CATCH_UP_ROUNDS = 4;

  private final Path path;
  private final long maxBytes;
  private boolean collapse;
  private long droppedBytes;

  OutputFile(Path path, long maxBytes) {
    this(path, maxBytes, true);
  }

  /** With {@code collapse} false, always copies (to test that path on any file system). */
  OutputFile(Path path, long maxBytes, boolean collapse) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.collapse = collapse;
  }

  Path path() {
    return path;
  }

  /** How many bytes from the start of the output were removed to keep the file bounded. */
  long droppedBytes() {
    return droppedBytes;
  }

  /** Creates the file, or empties it when an earlier attempt left one. */
  void reset() throws IOException {
    DataFolder.write(path, new byte[0]);
  }

  /** The current size, 0 when the file is gone. */
  long size() {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * While the handler runs: when the file has passed the bound, keeps about its last three quarters
   * of the bound (the slack avoids work on every check when a handler writes steadily).
   */
  void trimIfOver() throws IOException {
    long keep = Math.max(1, maxBytes - maxBytes / 4);
    if (size() > maxBytes && !collapseTo(keep)) {
      copyLast(keep);
    }
  }

  /**
   * Once the outcome is decided and the tree is stopped: removes what was appended after the file
   * had {@code decidedSize} bytes, then keeps at most the bound, exactly.
   */
  void finish(long decidedSize) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      if (ch.size() > decidedSize) {
        ch.truncate(decidedSize);
      }
    }
    if (size() > maxBytes) {
      collapseTo(maxBytes);
      copyLast(maxBytes);
    }
  }

  /** The last {@code bytes} bytes (fewer when a UTF-8 sequence was cut at the start) as text. */
  String tail(int bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      long from = Math.max(0, size - bytes);
      ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
      readFully(ch, buf, from);
      buf.flip();
      if (from > 0) {
        // Skip continuation bytes of a character whose start was cut off (at most three).
        for (int i = 0; i < 3 && buf.hasRemaining() && (buf.get(buf.position()) & 0xC0) == 0x80; i++) {
          buf.get();
        }
      }
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(buf)
          .toString();
    }
  }

  /** The first {@code bytes} bytes as text, to read a launcher's error message. */
  String head(int bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(bytes, ch.size()));
      readFully(ch, buf, 0);
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Drops whole blocks from the start so that at least {@code keep} bytes (less than a block more)
   * remain; false when that is not possible here, or not needed at block granularity.
   */
  private boolean collapseTo(long keep) throws IOException {
    if (!collapse) {
      return false;
    }
    long block = Files.getFileStore(path).getBlockSize();
    long length = (size() - keep) / block * block;
    if (length <= 0) {
      return false;
    }
    if (!CollapseRange.collapseStart(path, length)) {
      collapse = false; // This file system cannot; do not ask again for this file.
      return false;
    }
    droppedBytes += length;
    return true;
  }

  /**
   * Moves the last {@code keep} bytes to the start and truncates after them, then catches up with
   * bytes appended meanwhile. Copying front to back is safe although the ranges may overlap,
   * because the destination always lies before the source.
   */
  private void copyLast(long keep) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size <= keep) {
        return;
      }
      long drop = size - keep;
      copyDown(ch, drop, size, 0);
      long end = size;
      for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
        long grown = ch.size();
        if (grown == end) {
          break;
        }
        copyDown(ch, end, grown, end - drop);
        end = grown;
      }
      ch.truncate(end - drop);
      droppedBytes += drop;
    }
  }

  private static void copyDown(FileChannel ch, long from, long to, long dest) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(COPY_CHUNK);
    long src = from;
    long dst = dest;
    while (src < to) {
      buf.clear();
      buf.limit((int) Math.min(COPY_CHUNK, to - src));
      readFully(ch, buf, src);
      buf.flip();
      int n = buf.remaining();
      if (n == 0) {
        break;
      }
      while (buf.hasRemaining()) {
        ch.write(buf, dst + (n - buf.remaining()));
      }
      src += n;
      dst += n;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        break;
      }
      pos += n;
    }
  }
}
