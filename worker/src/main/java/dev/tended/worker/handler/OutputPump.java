package dev.tended.worker.handler;

import dev.tended.io.DataFolder;
import dev.tended.posix.Fifo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Copies one output stream of a handler (the read end of its stdout or stderr pipe) into the
 * attempt's file, keeping at most {@code maxBytes} on disk at every moment, whatever the write rate:
 * this pump is the file's only writer, so before each write it drops the start of the file (moving
 * its end down) to make room. The file ends up holding the tail of the output, between half the
 * bound and the bound once the output has passed it. A handler that writes faster than the pump can
 * keep up is slowed by its full pipe; nothing it writes before the outcome is lost uncounted.
 *
 * <p>Once {@link #seal sealed} (when the outcome is decided), the file is closed and what still
 * comes is read and discarded, so a leftover holding the pipe never blocks on it, and the outcome
 * never waits for the end of the stream: the attempt's thread decides, this class only follows.
 *
 * <p>Reading a FIFO (a handler that outlives the worker), it can be {@link #detach detached}: it
 * stops reading within {@link #POLL_MILLIS} and closes its end, leaving what is in the pipe for the
 * next worker, which resumes with a pump on the same FIFO and the same file ({@link #openExisting}),
 * so the bound holds across workers.
 *
 * <p>It knows nothing of processes. Threads: {@link #run} on a thread of its own (the pump's); the other methods from the
 * attempt's thread. The file and the counts are guarded by this object's monitor.
 */
final class OutputPump implements Runnable {
  private static final int CHUNK = 64 * 1024;
  private static final long QUIET_SAMPLE_NANOS = Duration.ofMillis(25).toNanos();
  /** The longest a read waits before the pump looks whether it was detached. */
  static final int POLL_MILLIS = 50;

  /**
   * What the pump reads. A source that can tell what it holds ({@link #pending} at least 0) takes
   * bytes out only in {@link #read}, which the pump calls under its monitor together with storing
   * them, so that {@link #awaitDrained} knows exactly what is still on the way.
   */
  interface Source {
    /** Waits at most {@code waitMillis} for something to read; whether a read now returns at once. */
    boolean awaitReadable(int waitMillis) throws IOException;

    /** n bytes, 0 when nothing came after all, -1 at the end. */
    int read(byte[] buf) throws IOException;

    /** The bytes not read yet, or -1 when it cannot be told (then a read may wait). */
    int pending();
  }

  private final Source from;
  private final java.io.Closeable closer;
  private final Path path;
  private final long maxBytes;
  private final ByteBuffer shift = ByteBuffer.allocate(CHUNK);
  private FileChannel file; // guarded by this; null once sealed
  private long size; // guarded by this: bytes in the file
  private long dropped; // guarded by this: bytes dropped from the start to keep the bound
  private long discarded; // guarded by this: bytes read after sealing
  private IOException writeError; // guarded by this: why the file stopped being written, if it did
  private volatile long received; // written under this
  private volatile boolean reading; // only for a source that cannot tell what it holds
  private volatile boolean ended;
  private volatile boolean detachRequested;
  private volatile boolean noMoreWriters;

  /**
   * @param from the stream to copy; read until its end, which closes it
   * @param file the attempt's output file as opened by {@link #open}
   * @param path where {@code file} is, to read its tail back
   */
  OutputPump(InputStream from, FileChannel file, Path path, long maxBytes) throws IOException {
    this(new Source() {
      @Override
      public boolean awaitReadable(int waitMillis) {
        return true;
      }

      @Override
      public int read(byte[] buf) throws IOException {
        return from.read(buf);
      }

      @Override
      public int pending() {
        return -1;
      }
    }, from, file, path, maxBytes);
  }

  /** A pump reading the FIFO {@code from}; {@code file} may already hold output (a resumed attempt). */
  OutputPump(Fifo from, FileChannel file, Path path, long maxBytes) throws IOException {
    this(new Source() {
      @Override
      public boolean awaitReadable(int waitMillis) throws IOException {
        return from.awaitReadable(waitMillis);
      }

      @Override
      public int read(byte[] buf) throws IOException {
        return from.readNow(buf);
      }

      @Override
      public int pending() {
        return from.pending();
      }
    }, from, file, path, maxBytes);
  }

  /** A pump reading {@code from}, closing {@code closer} at the end; for the tests' sources too. */
  OutputPump(Source from, java.io.Closeable closer, FileChannel file, Path path, long maxBytes) throws IOException {
    this.from = from;
    this.closer = closer;
    this.file = file;
    this.path = path;
    this.maxBytes = maxBytes;
    this.size = file.isOpen() ? file.size() : 0;
  }

  /**
   * The one place an attempt's output file is opened: created, or emptied when an earlier attempt
   * left one; a symbolic link planted at its place is refused, never followed.
   */
  static FileChannel open(Path path) throws IOException {
    DataFolder.createDirectories(path.toAbsolutePath().getParent());
    return DataFolder.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  /** Opens the output file of an attempt another worker started, keeping what it holds. */
  static FileChannel openExisting(Path path) throws IOException {
    DataFolder.createDirectories(path.toAbsolutePath().getParent());
    return DataFolder.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  @Override
  public void run() {
    byte[] buf = new byte[CHUNK];
    try (java.io.Closeable c = closer) {
      boolean exact = from.pending() >= 0;
      while (!detachRequested) {
        reading = !exact;
        if (!from.awaitReadable(POLL_MILLIS)) {
          if (noMoreWriters && from.pending() == 0) {
            return;
          }
          continue;
        }
        if (exact ? !takeAndStore(buf) : !readAndStore(buf)) {
          return;
        }
      }
    } catch (IOException e) {
      // Reading failed (the stream was closed under the pump): the output ends here.
    } finally {
      reading = false;
      synchronized (this) {
        if (detachRequested) {
          closeFile();
        }
        ended = true;
        notifyAll();
      }
    }
  }

  /**
   * Stops reading and closes the pipe's end and the file, leaving unread output in the pipe; waits at
   * most {@code limit} for it. Whether the pump has stopped.
   */
  boolean detach(Duration limit) {
    detachRequested = true;
    return awaitEnd(limit);
  }

  /**
   * Takes what is in the source and stores it in one step under the monitor: whoever holds the
   * monitor sees every byte either still in the source or already counted. False at the end.
   */
  private synchronized boolean takeAndStore(byte[] buf) throws IOException {
    int n = from.read(buf);
    if (n > 0) {
      accept(buf, n);
      notifyAll();
    }
    return n >= 0;
  }

  /** For a source whose read may wait: reads outside the monitor, then stores. False at the end. */
  private boolean readAndStore(byte[] buf) throws IOException {
    int n = from.read(buf);
    if (n > 0) {
      reading = false;
      accept(buf, n);
    }
    return n >= 0;
  }

  /**
   * Tells the pump that nothing can write to the stream any more (the handler's whole tree is gone):
   * it reads what is left, then ends at its next wait, without waiting for the end of the stream. A
   * FIFO opened after its last writer closed never shows that end.
   */
  void noMoreWriters() {
    noMoreWriters = true;
  }

  /** Writes what was read, or counts it as discarded once sealed or once the file failed; never throws. */
  private synchronized void accept(byte[] buf, int n) {
    received += n;
    if (file == null) {
      discarded += n;
      return;
    }
    try {
      write(buf, n);
    } catch (IOException e) {
      // A full disk, say: keep reading (a handler must never block on its pipe), keep nothing more.
      writeError = e;
      discarded += n;
      closeFile();
    }
  }

  /** Writes {@code n} bytes at the end, first making room so that the file never passes the bound. */
  private void write(byte[] buf, int n) throws IOException {
    int off = 0;
    int len = n;
    if (len > maxBytes) {
      off = (int) (len - maxBytes);
      len = (int) maxBytes;
      dropped += size + off;
      size = 0;
      file.truncate(0);
    } else if (size + len > maxBytes) {
      long keep = Math.min(size, Math.min(maxBytes / 2, maxBytes - len));
      moveDown(size - keep, keep);
      file.truncate(keep);
      dropped += size - keep;
      size = keep;
    }
    ByteBuffer out = ByteBuffer.wrap(buf, off, len);
    while (out.hasRemaining()) {
      size += file.write(out, size);
    }
  }

  /** Copies {@code length} bytes at {@code from} to the start; safe because the target lies before. */
  private void moveDown(long from, long length) throws IOException {
    long done = 0;
    while (done < length) {
      shift.clear().limit((int) Math.min(CHUNK, length - done));
      while (shift.hasRemaining()) {
        if (file.read(shift, from + done + shift.position()) < 0) {
          throw new IOException(path + ": shorter than the pump wrote it");
        }
      }
      shift.flip();
      while (shift.hasRemaining()) {
        file.write(shift, done + shift.position());
      }
      done += shift.limit();
    }
  }

  /**
   * Waits, at most {@code limit}, until everything written to the stream before this call has
   * reached the file (or the stream has ended). For a decided outcome, so that the handler's last
   * output is kept while what a leftover writes later is not.
   *
   * <p>Exact for a source that tells what it holds: under the monitor, the bytes still on the way
   * are those in the source (the pump takes and stores them in one step under the same monitor),
   * so this waits until as many more as those have been received. For another source (a test's
   * stream) it waits until the pump has waited on an empty stream for a while.
   */
  void awaitDrained(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (this) {
      int inSource = from.pending();
      if (inSource >= 0) {
        long target = received + inSource;
        awaitReceived(target, deadline);
        return;
      }
    }
    awaitQuiet(deadline);
  }

  private synchronized void awaitReceived(long target, long deadline) {
    boolean interrupted = false;
    try {
      while (!ended && received < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitQuiet(long deadline) {
    long quietSince = -1;
    long lastReceived = -1;
    while (!ended && System.nanoTime() - deadline < 0) {
      long r = received;
      if (reading && r == lastReceived) {
        if (System.nanoTime() - quietSince >= QUIET_SAMPLE_NANOS) {
          return;
        }
      } else {
        lastReceived = reading ? r : -1;
        quietSince = System.nanoTime();
      }
      awaitEnd(Duration.ofMillis(5));
    }
  }

  /** Closes the file: nothing read from now on is written. Idempotent. */
  synchronized void seal() {
    closeFile();
  }

  private void closeFile() {
    FileChannel f = file;
    file = null;
    if (f != null) {
      try {
        f.close();
      } catch (IOException e) {
        writeError = writeError == null ? e : writeError;
      }
    }
  }

  /** Why writing the file failed (the pump then read on and discarded), or null. */
  synchronized IOException writeError() {
    return writeError;
  }

  /** Waits, at most {@code limit}, for the end of the stream; whether it came. */
  synchronized boolean awaitEnd(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    boolean interrupted = false;
    try {
      while (!ended) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  Path path() {
    return path;
  }

  /** Bytes removed from the start of the file to keep it within the bound. */
  synchronized long droppedBytes() {
    return dropped;
  }

  /** Bytes read after {@link #seal} (written after the outcome was decided), thrown away. */
  synchronized long discardedBytes() {
    return discarded;
  }

  /** Bytes read from the stream so far, kept or not: what the attempt's progress watch counts. */
  long received() {
    return received;
  }

  /** The bytes in the file now. */
  synchronized long size() {
    return size;
  }

  /** The last {@code bytes} bytes of the file (fewer when a UTF-8 sequence was cut at the start) as text. */
  String tail(int bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long end = ch.size();
      long start = Math.max(0, end - bytes);
      ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
      readFully(ch, buf, start);
      buf.flip();
      if (start > 0) {
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

  /** The first {@code bytes} bytes of the file as text, to read a launcher's error message. */
  String head(int bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(bytes, ch.size()));
      readFully(ch, buf, 0);
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
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
