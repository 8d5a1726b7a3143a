package dev.tended.queue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Keeps the most recent bytes the JSON parser pulled from a queue file, so that once an item is
 * parsed its exact text can be fingerprinted where it lies ({@link ItemFingerprint}) instead of being
 * written out again. The window holds at most {@link #WINDOW} bytes: it drops what lies before the
 * item being read, and when even that is not enough (an item longer than the window, a long run of
 * whitespace) it holds nothing until the next item starts: {@link #holds} then says no and the
 * caller takes the slow way for that item.
 *
 * <p>Offsets count bytes from the start of the stream, as the parser's byte offsets do. Not
 * thread-safe; owned by one read.
 */
public final class ItemBytes extends FilterInputStream {
  /** Items up to about this size are fingerprinted from the window; larger ones are not. */
  public static final int WINDOW = 256 * 1024;

  private final byte[] window;
  private long base; // stream offset of window[0]
  private int size; // bytes held: stream offsets [base, base + size)
  private long keepFrom; // bytes before this are not needed any more
  private boolean keeping = true; // false from an overflow of the window to the next keepFrom

  ItemBytes(InputStream in) {
    this(in, WINDOW);
  }

  /** For tests: a small window. */
  ItemBytes(InputStream in, int window) {
    super(in);
    this.window = new byte[window];
  }

  /** An item starts at stream offset {@code offset}: nothing before it is needed any more. */
  void keepFrom(long offset) {
    keepFrom = Math.max(keepFrom, offset);
    keeping = true;
  }

  /** True when every byte of stream offsets {@code [from, to)} is held. */
  boolean holds(long from, long to) {
    return from >= base && from <= to && to <= base + size;
  }

  /** The byte at stream offset {@code offset}, which must be held. */
  byte at(long offset) {
    return window[(int) (offset - base)];
  }

  /** A copy of the bytes of stream offsets {@code [from, to)}, which must be held. */
  byte[] copy(long from, long to) {
    int start = (int) (from - base);
    return java.util.Arrays.copyOfRange(window, start, start + (int) (to - from));
  }

  /** Fingerprints the bytes of stream offsets {@code [from, to)}, which must be held. */
  void fingerprint(long from, long to, long[] out) {
    ItemFingerprint.of(window, (int) (from - base), (int) (to - from), out);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      keep(new byte[] {(byte) b}, 0, 1); // the parser reads in blocks; this is never the hot path
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      keep(buf, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // the parser never skips; a skip would leave a hole in the window, so nothing before it is held
    long skipped = super.skip(n);
    base += size + skipped;
    size = 0;
    return skipped;
  }

  private void keep(byte[] buf, int off, int n) {
    if (!keeping) {
      base += n; // size is 0
      return;
    }
    if (size + n > window.length) {
      int drop = (int) Math.min(size, Math.max(0, keepFrom - base));
      if (size - drop + n > window.length) {
        // the item being read (or the gap before the next) is longer than the window: hold nothing
        // until the next item starts, rather than shifting a full window on every block
        base += size + n;
        size = 0;
        keeping = false;
        return;
      }
      System.arraycopy(window, drop, window, 0, size - drop);
      base += drop;
      size -= drop;
    }
    System.arraycopy(buf, off, window, size, n);
    size += n;
  }
}
