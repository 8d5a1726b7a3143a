package dev.tended.worker.source;

import java.util.Arrays;

/**
 * Compact fingerprints of the items one complete poll offered, all of which the ledger holds by the
 * time the poll ends, so that the next read of a changed file sends the ledger only what is new
 * instead of re-inserting every item (a 100 000-item file with one new item costs one insert, not
 * 100 000). Two independent 64-bit halves of an item's identity are kept in two sorted arrays; an
 * item counts as known only when both are found, so a new item is mistaken for a known one with a
 * probability of about {@code (n / 2^64)^2} — and even then it is only skipped until it is next
 * offered by a read that does not know it. About 16 bytes per item.
 *
 * <p>Immutable once built; the {@link Builder} is used by one poller thread.
 */
final class KnownItems {
  static final KnownItems NONE = new KnownItems(new long[0], new long[0]);

  private final long[] highs;
  private final long[] lows;

  private KnownItems(long[] highs, long[] lows) {
    this.highs = highs;
    this.lows = lows;
  }

  boolean contains(QueueItem item) {
    return Arrays.binarySearch(highs, high(item)) >= 0 && Arrays.binarySearch(lows, low(item)) >= 0;
  }

  int size() {
    return highs.length;
  }

  /** The first half: from the content hash (already a uniform SHA-256). */
  static long high(QueueItem item) {
    String h = item.contentHash();
    return h.length() >= 16 ? Long.parseUnsignedLong(h.substring(0, 16), 16) : fnv(h, 0);
  }

  /** The second half: the next bits of the content hash mixed with the id (entries may share content). */
  static long low(QueueItem item) {
    String h = item.contentHash();
    long fromHash = h.length() >= 32 ? Long.parseUnsignedLong(h.substring(16, 32), 16) : fnv(h, 1);
    return fromHash ^ fnv(item.id(), 2);
  }

  private static long fnv(String s, long seed) {
    long x = 0xcbf29ce484222325L ^ seed;
    for (int i = 0; i < s.length(); i++) {
      x ^= s.charAt(i);
      x *= 0x100000001b3L;
    }
    return x;
  }

  /** Collects the fingerprints of one poll's items. */
  static final class Builder {
    private long[] highs = new long[64];
    private long[] lows = new long[64];
    private int n;

    void add(QueueItem item) {
      if (n == highs.length) {
        highs = Arrays.copyOf(highs, n * 2);
        lows = Arrays.copyOf(lows, n * 2);
      }
      highs[n] = high(item);
      lows[n] = low(item);
      n++;
    }

    KnownItems build() {
      long[] h = Arrays.copyOf(highs, n);
      long[] l = Arrays.copyOf(lows, n);
      Arrays.sort(h);
      Arrays.sort(l);
      return new KnownItems(h, l);
    }
  }
}
