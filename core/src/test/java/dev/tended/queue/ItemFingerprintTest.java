package dev.tended.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ItemFingerprintTest {
  private static final BigInteger P = BigInteger.valueOf(ItemFingerprint.P);

  private static List<Long> of(byte[] b) {
    long[] out = new long[2];
    ItemFingerprint.of(b, 0, b.length, out);
    return List.of(out[0], out[1]);
  }

  @Property(tries = 3000)
  void multiplicationModuloTheMersennePrimeAgreesWithBigInteger(
      @ForAll @LongRange(min = 0, max = (1L << 62) - 1) long a,
      @ForAll @LongRange(min = 0, max = (1L << 61) - 2) long k) {
    long expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(k)).mod(P).longValueExact();

    assertThat(ItemFingerprint.mulMod(a, k)).isEqualTo(expected);
  }

  @Property(tries = 3000)
  void reductionAgreesWithBigInteger(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long s) {
    assertThat(ItemFingerprint.reduce(s)).isEqualTo(BigInteger.valueOf(s).mod(P).longValueExact());
  }

  @Test
  void bytesThatDifferOnlyInTrailingZerosOrAcrossAChunkBoundaryHaveDifferentFingerprints() {
    Set<List<Long>> seen = new HashSet<>();
    byte[] base = "{\"id\":\"a\",\"n\":12345}".getBytes(UTF_8);
    for (int len = 0; len <= base.length; len++) {
      byte[] prefix = Arrays.copyOf(base, len);
      assertThat(seen.add(of(prefix))).as("prefix of %d bytes", len).isTrue();
      assertThat(seen.add(of(Arrays.copyOf(prefix, len + 1)))).as("prefix of %d bytes plus a zero byte", len)
          .isTrue();
    }
    assertThat(of("{\"id\":\"a\"}".getBytes(UTF_8))).isEqualTo(of("{\"id\":\"a\"}".getBytes(UTF_8)));
  }

  @Test
  void onlyTheGivenRangeCounts() {
    byte[] a = "xx[1,2]yy".getBytes(UTF_8);
    byte[] b = "[1,2]".getBytes(UTF_8);
    long[] out = new long[2];
    ItemFingerprint.of(a, 2, 5, out);

    assertThat(List.of(out[0], out[1])).isEqualTo(of(b));
  }

  @Test
  void valuesAreBelowTwoToTheSixtyOne() {
    for (int i = 0; i < 1000; i++) {
      List<Long> f = of(("item " + i).getBytes(UTF_8));
      assertThat(f).allSatisfy(v -> assertThat(v).isBetween(0L, ItemFingerprint.P - 1));
    }
  }
}
