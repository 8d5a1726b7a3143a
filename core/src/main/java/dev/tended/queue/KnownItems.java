package dev.tended.queue;

import java.util.Arrays;

/**
 * The keys of the items one complete poll offered, all of which the ledger holds by the time the
 * poll ends, so that the next read of a changed file sends the ledger only what is new instead of
 * re-inserting every item (a 100 000-item file with one new item costs one insert, not 100 000).
 *
 * <p>An item's key is two 64-bit halves ({@link QueueItem#keyA()}, {@link QueueItem#keyB()}): for
 * an item of a JSON queue file the {@link ItemFingerprint} of its bytes there, otherwise bits of its
 * SHA-256 content hash mixed with its id. An item counts as known only when both halves match one
 * entry; a new item mistaken for a known one would be skipped, so the keys are made so that this
 * happens with a probability far below that of a hardware fault. An item that is the same but
 * written differently (other whitespace, other key order) has another key: it is offered to the
 * ledger, which recognises it by id and content hash.
 *
 * <p>An open-addressing table, at most two-thirds full: a look-up is one or two probes of two
 * arrays, about 20 to 40 bytes per item. Immutable once built; the {@link Builder} is used by one
 * poller thread.
 */
public final class KnownItems {
  public static final KnownItems NONE = new KnownItems(new long[1], new long[1], 0);

  private final long[] as;
  private final long[] bs;
  private final int mask;
  private final int size;

  private KnownItems(long[] as, long[] bs, int size) {
    this.as = as;
    this.bs = bs;
    this.mask = as.length - 1;
    this.size = size;
  }

  public boolean contains(QueueItem item) {
    long a = item.keyA();
    long b = item.keyB();
    if (a == 0 && b == 0) {
      return false; // the empty slot's value: such an item is never known, only offered again
    }
    for (int i = slot(a, b, mask); ; i = (i + 1) & mask) {
      if (as[i] == a && bs[i] == b) {
        return true;
      }
      if (as[i] == 0 && bs[i] == 0) {
        return false;
      }
    }
  }

  /** How many different keys are held. */
  int size() {
    return size;
  }

  private static int slot(long a, long b, int mask) {
    long h = (a ^ Long.rotateLeft(b, 29)) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & mask;
  }

  /** The first 64 bits of a content hash in hex (already a uniform SHA-256). */
  static long high(String contentHash) {
    return contentHash.length() >= 16 ? Long.parseUnsignedLong(contentHash, 0, 16, 16) : fnv(contentHash, 0);
  }

  /** The next 64 bits of a content hash mixed with the id (entries may share content). */
  static long low(String contentHash, String id) {
    long fromHash = contentHash.length() >= 32
        ? Long.parseUnsignedLong(contentHash, 16, 32, 16) : fnv(contentHash, 1);
    return fromHash ^ fnv(id, 2);
  }

  private static long fnv(String s, long seed) {
    long x = 0xcbf29ce484222325L ^ seed;
    for (int i = 0; i < s.length(); i++) {
      x ^= s.charAt(i);
      x *= 0x100000001b3L;
    }
    return x;
  }

  /** Collects the keys of one poll's items. */
  public static final class Builder {
    private long[] as = new long[64];
    private long[] bs = new long[64];
    private int n;

    public void add(QueueItem item) {
      if (n == as.length) {
        as = Arrays.copyOf(as, n * 2);
        bs = Arrays.copyOf(bs, n * 2);
      }
      as[n] = item.keyA();
      bs[n] = item.keyB();
      n++;
    }

    public KnownItems build() {
      int capacity = Integer.highestOneBit(Math.max(4, n + n / 2) * 2 - 1); // a power of two >= 1.5 n
      long[] ta = new long[capacity];
      long[] tb = new long[capacity];
      int mask = capacity - 1;
      int size = 0;
      for (int k = 0; k < n; k++) {
        long a = as[k];
        long b = bs[k];
        if (a == 0 && b == 0) {
          continue;
        }
        int i = slot(a, b, mask);
        while (!(ta[i] == 0 && tb[i] == 0) && !(ta[i] == a && tb[i] == b)) {
          i = (i + 1) & mask;
        }
        if (ta[i] == 0 && tb[i] == 0) {
          ta[i] = a;
          tb[i] = b;
          size++;
        }
      }
      return new KnownItems(ta, tb, size);
    }
  }
}
