package dev.tended.queue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes the JSON parser pulls from a queue file and fails the read when one item has
 * taken more than {@code maxItemBytes} (plus the parser's read-ahead), so an enormous item is refused
 * after reading about that much, instead of being built into a tree that exhausts the heap. Armed at
 * each item's start, disarmed at its end. Not thread-safe; owned by one read.
 */
public final class ItemSizeGuard extends FilterInputStream {
  /** Jackson reads ahead in blocks of this size at most: the slack allowed above the bound. */
  private static final long READ_AHEAD = 64 * 1024;

  /** The item being read is larger than the bound. */
  static final class ItemTooLargeException extends IOException {
    ItemTooLargeException(long maxItemBytes) {
      super("item larger than maxItemBytes (" + maxItemBytes + " bytes)");
    }
  }

  private final long maxItemBytes;
  private long consumed;
  private long armedAt = -1;

  ItemSizeGuard(InputStream in, long maxItemBytes) {
    super(in);
    this.maxItemBytes = maxItemBytes;
  }

  /** An item starts here. */
  void arm() {
    armedAt = consumed;
  }

  void disarm() {
    armedAt = -1;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) throws ItemTooLargeException {
    consumed += n;
    if (armedAt >= 0 && consumed - armedAt > maxItemBytes + READ_AHEAD) {
      throw new ItemTooLargeException(maxItemBytes);
    }
  }
}
