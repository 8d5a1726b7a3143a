package dev.tended.queue;

import java.security.SecureRandom;

/**
 * A 122-bit fingerprint of an item's exact bytes in its queue file, so that a re-read can tell an
 * item it offered last time without building its canonical JSON or its SHA-256 (both costly on a
 * 100 000-item file, and only needed for items the ledger has not seen).
 *
 * <p>Why it cannot lose an item: the bytes are cut into 7-byte little-endian chunks, the byte
 * length is appended, and the sequence is evaluated as a polynomial (leading coefficient 1) at two
 * secret points drawn from {@link SecureRandom} when the class loads, modulo the prime
 * {@code 2^61 - 1}. The chunking is injective, so two different byte strings of at most {@code n}
 * chunks give different polynomials whose difference has at most {@code n + 1} roots: they collide
 * at one point with probability at most {@code (n + 1) / (2^61 - 1)} and at both with at most its
 * square, whatever the bytes are (about {@code 10^-34} for two 100-byte items). The points are
 * never written anywhere, so a producer cannot choose bytes that collide. A fingerprint is only
 * meaningful inside the JVM that computed it.
 *
 * <p>Values lie in {@code [0, 2^61 - 1)}: the top three bits are zero. Stateless and thread-safe.
 */
public final class ItemFingerprint {
  /** The Mersenne prime {@code 2^61 - 1}. */
  static final long P = (1L << 61) - 1;

  private static final long K1;
  private static final long K2;

  static {
    SecureRandom random = new SecureRandom();
    K1 = 1 + Math.floorMod(random.nextLong(), P - 1);
    K2 = 1 + Math.floorMod(random.nextLong(), P - 1);
  }

  private ItemFingerprint() {}

  /** The two halves of the fingerprint of {@code b[off, off + len)}, into {@code out[0]} and {@code out[1]}. */
  static void of(byte[] b, int off, int len, long[] out) {
    long h1 = 1;
    long h2 = 1;
    int end = off + len;
    int i = off;
    for (; i + 7 <= end; i += 7) {
      long c = (b[i] & 0xffL)
          | (b[i + 1] & 0xffL) << 8
          | (b[i + 2] & 0xffL) << 16
          | (b[i + 3] & 0xffL) << 24
          | (b[i + 4] & 0xffL) << 32
          | (b[i + 5] & 0xffL) << 40
          | (b[i + 6] & 0xffL) << 48;
      h1 = mulMod(h1, K1) + c;
      h2 = mulMod(h2, K2) + c;
    }
    if (i < end) {
      long c = 0;
      for (int shift = 0; i < end; i++, shift += 8) {
        c |= (b[i] & 0xffL) << shift;
      }
      h1 = mulMod(h1, K1) + c;
      h2 = mulMod(h2, K2) + c;
    }
    out[0] = reduce(mulMod(h1, K1) + len);
    out[1] = reduce(mulMod(h2, K2) + len);
  }

  /** {@code a * k mod P}, for {@code a < 2^62} and {@code k < P}; the result is below {@code P}. */
  static long mulMod(long a, long k) {
    long lo = a * k;
    long hi = Math.multiplyHigh(a, k); // both non-negative: the signed high word is the unsigned one
    // a * k = hi * 2^64 + lo, and 2^61 = 1 (mod P)
    long s = ((hi << 3) | (lo >>> 61)) + (lo & P);
    return reduce(s);
  }

  /** {@code s mod P} for {@code 0 <= s < 2^63}. */
  static long reduce(long s) {
    long r = (s & P) + (s >>> 61);
    return r >= P ? r - P : r;
  }
}
