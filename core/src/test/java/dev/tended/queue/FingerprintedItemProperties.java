package dev.tended.queue;


import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Items fingerprinted from their bytes in the file are the items the slow way would make (same id,
 * content hash, canonical JSON), and two of them share a key exactly when their text in the file is
 * the same: so a key the poller knows always stands for content the ledger holds. Generated files
 * mix near-twins (another digit, another spelling of the same value, keys in another order), come
 * in every layout, with and without a byte-order mark, and are served in reads of random sizes
 * into windows of random sizes, so items straddle reads and outgrow the window.
 */
class FingerprintedItemProperties {
  private static final List<String> VALUES = List.of(
      "1", "12", "-1", "1.50", "1.5", "1e3", "0", "true", "false", "null",
      "\"a\"", "\"a \"", "\"\\u0061\"", "\"\u00e9\"", "\"\u4e2d\"",
      "{\"id\":\"a\",\"n\":1}", "{\"n\":1,\"id\":\"a\"}", "{ \"id\": \"a\", \"n\": 1 }", "{\"id\":\"a\",\"n\":10}",
      "{\"id\":\"b\",\"n\":1}", "{\"id\":\"a\",\"n\":[1,2]}", "{\"id\":\"a\",\"n\":[1, 2]}", "{\"t\":\"x\"}",
      "{\"t\":\"x\",\"deep\":{\"b\":[{},[]],\"a\":null}}", "{\"id\":7,\"t\":\"x\"}", "{\"id\":7.0,\"t\":\"x\"}");
  private static final List<String> ARRAYS = List.of("[1,2]", "[1, 2]", "[]", "[[]]", "[{\"id\":\"a\"}]");

  /** A file: the items' texts, the layout, and how it is served. */
  record Case(List<String> items, int layout, boolean bom, int window, long seed) {
    byte[] bytes() {
      String body = switch (layout) {
        case 0 -> "[\n" + String.join(",\n", items) + "\n]\n";
        case 1 -> "{\"items\": [\n" + String.join(",\n", items) + "\n]}\n";
        default -> String.join("\n", items) + "\n";
      };
      byte[] text = body.getBytes(UTF_8);
      if (!bom) {
        return text;
      }
      byte[] withBom = new byte[text.length + 3];
      withBom[0] = (byte) 0xEF;
      withBom[1] = (byte) 0xBB;
      withBom[2] = (byte) 0xBF;
      System.arraycopy(text, 0, withBom, 3, text.length);
      return withBom;
    }
  }

  @Provide
  Arbitrary<Case> files() {
    Arbitrary<String> padded = Arbitraries.integers().between(0, 300)
        .map(n -> "{\"id\":\"p\",\"pad\":\"" + "x".repeat(n) + "\"}");
    Arbitrary<String> inArray = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.of(VALUES)), net.jqwik.api.Tuple.of(2, Arbitraries.of(ARRAYS)),
        net.jqwik.api.Tuple.of(1, padded));
    Arbitrary<String> onALine = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.of(VALUES)), net.jqwik.api.Tuple.of(1, padded));
    Arbitrary<Integer> layout = Arbitraries.integers().between(0, 2);
    return layout.flatMap(l -> Combinators.combine(
        (l == 2 ? onALine : inArray).list().ofMinSize(2).ofMaxSize(30),
        Arbitraries.of(true, false),
        Arbitraries.of(16, 64, 200, ItemBytes.WINDOW),
        Arbitraries.longs())
        .as((items, bom, window, seed) -> new Case(items, l, bom, window, seed)));
  }

  /** Serves the bytes in reads of 1 to 97 bytes, as a pipe or a slow disk might. */
  private static InputStream trickle(byte[] bytes, long seed) {
    Random r = new Random(seed);
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + r.nextInt(97)));
      }
    };
  }

  private static List<QueueItem> read(Case c, boolean trickle) throws IOException {
    List<QueueItem> items = new ArrayList<>();
    Batcher out = new Batcher(items::addAll, 7);
    byte[] bytes = c.bytes();
    JsonItemReader.Reading reading = new JsonItemReader("id", 64 * 1024, c.window())
        .read(() -> trickle ? trickle(bytes, c.seed()) : new ByteArrayInputStream(bytes), out);
    out.flush();
    assertThat(reading.stop()).isEmpty();
    assertThat(reading.badLines()).isEmpty();
    return items;
  }

  @Property(tries = 800)
  void aFingerprintedItemIsTheSlowWaysItemAndSharesItsKeyExactlyWithItsTwins(@ForAll("files") Case c)
      throws IOException {
    List<QueueItem> items = read(c, true);

    assertThat(items).hasSize(c.items().size());
    for (int i = 0; i < items.size(); i++) {
      QueueItem slow = CanonicalJson.item(CanonicalJson.MAPPER.readTree(c.items().get(i)), "id");
      assertThat(items.get(i)).as("item %d, %s", i, c.items().get(i)).isEqualTo(slow);
      assertThat(items.get(i).id()).isEqualTo(slow.id());
      assertThat(items.get(i).contentHash()).isEqualTo(slow.contentHash());
      assertThat(items.get(i).json()).isEqualTo(slow.json());
    }
    for (int i = 0; i < items.size(); i++) {
      for (int j = 0; j < items.size(); j++) {
        QueueItem a = items.get(i);
        QueueItem b = items.get(j);
        boolean sameKey = a.keyA() == b.keyA() && a.keyB() == b.keyB();
        if (fromBytes(a) && fromBytes(b)) {
          assertThat(sameKey).as("%s and %s", c.items().get(i), c.items().get(j))
              .isEqualTo(c.items().get(i).equals(c.items().get(j)));
        } else if (sameKey) {
          assertThat(a).isEqualTo(b);
        }
      }
    }
  }

  @Property(tries = 300)
  void withTheFullWindowEveryItemOfAUtf8FileIsFingerprintedFromItsBytes(@ForAll("files") Case c) throws IOException {
    Case full = new Case(c.items(), c.layout(), c.bom(), ItemBytes.WINDOW, c.seed());

    assertThat(read(full, false)).allSatisfy(item -> assertThat(fromBytes(item)).as(item.json()).isTrue());
    assertThat(read(full, true)).allSatisfy(item -> assertThat(fromBytes(item)).as(item.json()).isTrue());
  }

  /** Keys from file bytes are below 2^61; keys from a content hash have the top bit set. */
  private static boolean fromBytes(QueueItem item) {
    return item.keyA() >= 0;
  }
}
