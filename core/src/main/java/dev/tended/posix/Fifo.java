package dev.tended.posix;

import com.sun.jna.LastErrorException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The read end of a named pipe, read with {@code poll(2)} and {@code read(2)} so that a reader can
 * give up within a bounded wait and leave what is still in the pipe to a later reader: Java's streams
 * can neither open a FIFO without blocking until a writer comes nor stop a blocked read. The wait
 * and the read are separate calls, so that a reader can take bytes out and store them under a lock
 * of its own while another thread, under the same lock, counts what is still in the pipe. The pipe of
 * a handler that outlives its worker is a FIFO for that reason: the next worker opens it again.
 *
 * <p>Owned by one thread (the reader), which alone reads and closes; {@link #pending} may come from any
 * thread (it and {@link #close} are guarded by this object's monitor, so a closed descriptor is never
 * asked). Linux numbering.
 */
public final class Fifo implements Closeable {
  /** What {@link #read} returns when nothing came within the wait. */
  public static final int NOTHING_YET = 0;
  /** What {@link #read} returns at the end of the output: every writer has closed. */
  public static final int END = -1;

  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;

  private final int fd;
  private final byte[] pollfd = new byte[LibC.POLLFD_SIZE];
  private volatile boolean closed;

  private Fifo(int fd) {
    this.fd = fd;
    ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, LibC.POLLIN);
  }

  /**
   * Makes a FIFO at {@code path} (mode 0600): a leftover FIFO of an earlier attempt is replaced,
   * anything else at the place (a planted link, a file) is refused and left alone.
   */
  public static void create(Path path) throws IOException {
    requireLibC();
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      if (!isFifo(path)) {
        throw new IOException(path + ": something other than a FIFO is there; not replaced");
      }
      Files.delete(path);
    }
    try {
      LibC.mkfifo(path.toString(), 0600);
    } catch (LastErrorException e) {
      throw new IOException("mkfifo " + path + ": errno " + e.getErrorCode(), e);
    }
  }

  /** Whether {@code path} itself (not what a link points at) is a FIFO. */
  public static boolean isFifo(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & S_IFMT) == S_IFIFO;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Opens the FIFO at {@code path} for reading without waiting for a writer ({@code O_NONBLOCK}, then
   * cleared), refusing a link at its place; then asks for a pipe of {@code pipeBytes} (a failure to
   * grow it is ignored: the default 64 KiB only slows a writer).
   */
  public static Fifo openForReading(Path path, int pipeBytes) throws IOException {
    requireLibC();
    if (!isFifo(path)) {
      throw new IOException(path + ": not a FIFO");
    }
    int fd;
    try {
      fd = LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_NOFOLLOW | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("open " + path + ": errno " + e.getErrorCode(), e);
    }
    try {
      int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
      LibC.fcntl(fd, LibC.F_SETFL, flags & ~LibC.O_NONBLOCK);
    } catch (LastErrorException e) {
      closeQuietly(fd);
      throw new IOException("fcntl " + path + ": errno " + e.getErrorCode(), e);
    }
    if (pipeBytes > 0) {
      try {
        LibC.fcntl(fd, LibC.F_SETPIPE_SZ, pipeBytes);
      } catch (LastErrorException e) {
        // EPERM/EBUSY: over the user's pipe allowance; the default size works, only slower.
      }
    }
    return new Fifo(fd);
  }

  /**
   * Waits at most {@code waitMillis} until a {@link #readNow} would not wait: something is in the pipe,
   * or every writer has closed, or an error is pending. Takes nothing out of the pipe, so a reader
   * can wait outside any lock and take the bytes and store them inside one.
   *
   * @return whether a read now returns at once
   */
  public boolean awaitReadable(int waitMillis) throws IOException {
    if (closed) {
      throw new IOException("closed");
    }
    try {
      return LibC.poll(pollfd, 1, waitMillis) > 0;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EINTR) {
        return false;
      }
      throw new IOException("poll: errno " + e.getErrorCode(), e);
    }
  }

  /**
   * Reads what is in the pipe; call it after {@link #awaitReadable} said so (this reader is the only
   * one, so the read then does not wait).
   *
   * @return the bytes read, {@link #NOTHING_YET}, or {@link #END}
   */
  public int readNow(byte[] buf) throws IOException {
    if (closed) {
      throw new IOException("closed");
    }
    try {
      long n = LibC.read(fd, buf, buf.length);
      return n == 0 ? END : (int) n;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EINTR || e.getErrorCode() == LibC.EAGAIN) {
        return NOTHING_YET;
      }
      throw new IOException("read: errno " + e.getErrorCode(), e);
    }
  }

  /** The bytes waiting in the pipe now; 0 once closed. */
  public synchronized int pending() {
    if (closed) {
      return 0;
    }
    int[] n = new int[1];
    try {
      LibC.ioctl(fd, LibC.FIONREAD, n);
      return n[0];
    } catch (LastErrorException e) {
      return 0;
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(fd);
    }
  }

  private static void closeQuietly(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      // A read end: nothing to flush, nothing to lose.
    }
  }

  private static void requireLibC() throws IOException {
    if (LibC.failure().isPresent()) {
      throw new IOException("libc cannot be bound: " + LibC.failure().get());
    }
  }
}
