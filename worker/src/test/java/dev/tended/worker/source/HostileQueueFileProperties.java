package dev.tended.worker.source;

import dev.tended.queue.Batcher;
import dev.tended.queue.QueueItem;
import dev.tended.queue.CanonicalJson;
import dev.tended.queue.JsonItemReader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.status.ItemResult;
import dev.tended.worker.results.ResultWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Generated hostile queue files (truncations, bit flips, inserted garbage, wrong types, deep nesting,
 * huge strings, duplicate and dangerous ids, invalid UTF-8): the reader never throws, never takes a
 * partial item, names line and column for every fault, and refuses items over {@code maxItemBytes};
 * and no id, whatever it holds, makes a result file land outside its folder.
 */
class HostileQueueFileProperties {
  private static final long MAX_ITEM_BYTES = 64 * 1024;
  private static final List<String> DANGEROUS_IDS = List.of("../../etc/passwd", "a/b", "nul\u0000id", "x".repeat(10_000),
      ".", "..", "", " ", "CON", "\u00e9\u4e2d", "id\nnext");

  /** The items of a valid file, and the file (an array, a wrapper object or JSON Lines). */
  record Valid(List<String> items, byte[] bytes) {}

  /** A valid file and what was done to it. */
  record Mutated(Valid original, String how, byte[] bytes, boolean truncatedOnly) {}

  @Provide
  Arbitrary<Valid> validFiles() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)
        .map(s -> s.replace("\\", "").replace("\"", ""));
    Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.of(DANGEROUS_IDS), Arbitraries.strings().alpha().ofLength(6));
    Arbitrary<String> item = Combinators.combine(id, text, Arbitraries.integers().between(0, 3))
        .as((i, t, shape) -> switch (shape) {
          case 0 -> "{\"id\": " + quote(i) + ", \"text\": " + quote(t) + "}";
          case 1 -> "{\"id\": " + quote(i) + ", \"tags\": [1, 2.5, true, null], \"n\": {\"deep\": [" + quote(t) + "]}}";
          case 2 -> "{\"text\": " + quote(t) + "}"; // no id: a hash of the content
          default -> "{\"id\": 7, \"text\": " + quote(t) + "}";
        });
    return Combinators.combine(item.list().ofMinSize(1).ofMaxSize(12), Arbitraries.integers().between(0, 2))
        .as((items, layout) -> {
          String body = switch (layout) {
            case 0 -> "[\n" + String.join(",\n", items) + "\n]\n";
            case 1 -> "{\"items\": [\n" + String.join(",\n", items) + "\n]}\n";
            default -> String.join("\n", items) + "\n";
          };
          return new Valid(items, body.getBytes(StandardCharsets.UTF_8));
        });
  }

  @Provide
  Arbitrary<Mutated> mutatedFiles() {
    return Combinators.combine(validFiles(), Arbitraries.integers().between(0, 7), Arbitraries.longs())
        .as((v, kind, seed) -> mutate(v, kind, new java.util.Random(seed)));
  }

  private static Mutated mutate(Valid v, int kind, java.util.Random r) {
    byte[] b = v.bytes();
    switch (kind) {
      case 0: {
        int cut = r.nextInt(b.length);
        return new Mutated(v, "truncated at " + cut, Arrays.copyOf(b, cut), true);
      }
      case 1: {
        byte[] c = b.clone();
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips; i++) {
          c[r.nextInt(c.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return new Mutated(v, flips + " bit flips", c, false);
      }
      case 2: {
        byte[] junk = new byte[1 + r.nextInt(16)];
        r.nextBytes(junk);
        return new Mutated(v, "garbage inserted", insert(b, r.nextInt(b.length), junk), false);
      }
      case 3: {
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        return new Mutated(v, "invalid UTF-8 inserted", insert(b, r.nextInt(b.length), invalidUtf8), false);
      }
      case 4: {
        String deep = "[".repeat(3_000) + "]".repeat(3_000);
        return new Mutated(v, "3 000 levels of nesting", append(v, deep), false);
      }
      case 5: {
        String huge = "{\"id\": \"huge\", \"text\": \"" + "y".repeat((int) MAX_ITEM_BYTES * 3) + "\"}";
        return new Mutated(v, "an item 3x maxItemBytes", append(v, huge), false);
      }
      case 6: {
        String manyFields = "{\"id\": \"wide\"" + ", \"f\": 1".repeat((int) MAX_ITEM_BYTES / 4) + "}";
        return new Mutated(v, "an item of many small fields over maxItemBytes", append(v, manyFields), false);
      }
      default: {
        String wrongTypes = "{\"id\": [1, {\"x\": null}], \"text\": 3}";
        return new Mutated(v, "wrong types", append(v, wrongTypes), false);
      }
    }
  }

  /** Adds one more item to the valid file in its own layout. */
  private static byte[] append(Valid v, String item) {
    List<String> items = new ArrayList<>(v.items());
    items.add(item);
    String s = new String(v.bytes(), StandardCharsets.UTF_8);
    String body;
    if (s.startsWith("[")) {
      body = "[\n" + String.join(",\n", items) + "\n]\n";
    } else if (s.startsWith("{\"items\"")) {
      body = "{\"items\": [\n" + String.join(",\n", items) + "\n]}\n";
    } else {
      body = String.join("\n", items) + "\n";
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] c = new byte[b.length + what.length];
    System.arraycopy(b, 0, c, 0, at);
    System.arraycopy(what, 0, c, at, what.length);
    System.arraycopy(b, at, c, at + what.length, b.length - at);
    return c;
  }

  private static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch < 0x20 || ch == '"' || ch == '\\') {
        q.append(String.format("\\u%04x", (int) ch));
      } else {
        q.append(ch);
      }
    }
    return q.append('"').toString();
  }


  private static Optional<JsonItemReader.SyntaxFault> read(byte[] bytes, List<QueueItem> into) throws IOException {
    Batcher out = new Batcher(into::addAll, 5);
    JsonItemReader.Reading reading =
        new JsonItemReader("id", MAX_ITEM_BYTES).read(() -> new ByteArrayInputStream(bytes), out);
    out.flush();
    return reading.stop().or(() -> reading.badLines().stream().findFirst()
        .map(b -> new JsonItemReader.SyntaxFault(b.line(), b.column(), b.reason())));
  }

  private static List<String> canonical(List<String> json) throws IOException {
    List<String> c = new ArrayList<>();
    for (String j : json) {
      c.add(CanonicalJson.item(CanonicalJson.MAPPER.readTree(j), "id").json());
    }
    return c;
  }

  @Property(tries = 1500)
  void aMutatedFileIsReadWithoutSurpriseAndEveryFaultNamesLineAndColumn(@ForAll("mutatedFiles") Mutated m)
      throws IOException {
    List<QueueItem> taken = new ArrayList<>();
    Optional<JsonItemReader.SyntaxFault> fault = read(m.bytes(), taken); // must not throw
    fault.ifPresent(f -> {
      assertThat(f.line()).as(m.how() + ": line of " + f).isPositive();
      assertThat(f.column()).as(m.how() + ": column of " + f).isPositive();
      assertThat(f.reason()).isNotBlank();
    });
    for (QueueItem item : taken) {
      assertThat(item.json().getBytes(StandardCharsets.UTF_8).length).as(m.how()).isLessThanOrEqualTo((int) MAX_ITEM_BYTES);
      assertThat(CanonicalJson.MAPPER.readTree(item.json())).as(m.how() + ": a complete value").isNotNull();
    }
    if (m.how().contains("maxItemBytes") || m.how().contains("nesting")) {
      assertThat(fault).as(m.how() + " is refused").isPresent();
      assertThat(taken).as(m.how() + ": the items before it are taken").hasSize(m.original().items().size());
    }
    if (m.truncatedOnly()) {
      List<String> original = canonical(m.original().items());
      List<String> got = taken.stream().map(QueueItem::json).toList();
      assertThat(original.subList(0, Math.min(got.size(), original.size()))).as(m.how() + ": a prefix, no partial item")
          .isEqualTo(got);
    }
  }

  @Property(tries = 1000)
  void noIdWritesOutsideItsResultsFolder(@ForAll @StringLength(max = 300) String randomId,
      @ForAll @IntRange(min = 0, max = 10) int dangerous) throws IOException {
    Path dir = Files.createTempDirectory("hostile-ids");
    try {
      ResultWriter writer = new ResultWriter(dir.resolve("results"));
      for (String id : List.of(randomId, DANGEROUS_IDS.get(dangerous))) {
        Path file = writer.write(new ItemResult("ideas", id, "h", "succeeded", 1, 0, Instant.EPOCH, Instant.EPOCH, 0,
            "ok", "", ""));
        assertThat(file.toAbsolutePath().normalize().getParent()).isEqualTo(dir.resolve("results/ideas").toAbsolutePath());
        assertThat(file.getFileName().toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
      }
      try (Stream<Path> all = Files.walk(dir)) {
        assertThat(all.filter(Files::isRegularFile))
            .allSatisfy(p -> assertThat(p.getParent()).isEqualTo(dir.resolve("results/ideas")));
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
