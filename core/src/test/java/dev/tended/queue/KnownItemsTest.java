package dev.tended.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.io.SafeFileNames;
import org.junit.jupiter.api.Test;

class KnownItemsTest {
  private static byte[] text(String s) {
    return ("\"" + s + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static QueueItem item(String id, String content) {
    return new QueueItem(id, SafeFileNames.sha256Hex(content), "{\"c\":\"" + content + "\"}");
  }

  @Test
  void itemsOfTheLastReadAreKnownAndNewOnesAreNot() {
    KnownItems.Builder b = new KnownItems.Builder();
    for (int i = 0; i < 10_000; i++) {
      b.add(item("id-" + i, "content-" + i));
    }
    KnownItems known = b.build();
    assertThat(known.size()).isEqualTo(10_000);
    for (int i = 0; i < 10_000; i++) {
      assertThat(known.contains(item("id-" + i, "content-" + i))).isTrue();
    }
    for (int i = 10_000; i < 20_000; i++) {
      assertThat(known.contains(item("id-" + i, "content-" + i))).isFalse();
    }
  }

  @Test
  void sameIdWithNewContentAndSameContentUnderAnotherIdAreBothNew() {
    KnownItems.Builder b = new KnownItems.Builder();
    b.add(item("a", "x"));
    KnownItems known = b.build();
    assertThat(known.contains(item("a", "y"))).isFalse();
    assertThat(known.contains(item("b", "x"))).isFalse();
    assertThat(KnownItems.NONE.contains(item("a", "x"))).isFalse();
  }

  @Test
  void anItemIsKnownOnlyWhenBothHalvesOfItsKeyMatchOneEntry() {
    KnownItems.Builder b = new KnownItems.Builder();
    for (long half = 1; half <= 1000; half++) {
      b.add(QueueItem.lazy(text("x"), "id", 7, half));
      b.add(QueueItem.lazy(text("y"), "id", 100_000 + half, 90_000));
    }
    KnownItems known = b.build();

    for (long half = 1; half <= 1000; half++) {
      assertThat(known.contains(QueueItem.lazy(text("x"), "id", 7, half))).isTrue();
      assertThat(known.contains(QueueItem.lazy(text("y"), "id", 100_000 + half, 90_000))).isTrue();
    }
    for (long half = 1001; half <= 2000; half++) {
      assertThat(known.contains(QueueItem.lazy(text("z"), "id", 7, half))).as("first half known").isFalse();
      assertThat(known.contains(QueueItem.lazy(text("z"), "id", 100_000 + half, 90_000))).as("second half known").isFalse();
    }
    assertThat(known.contains(QueueItem.lazy(text("z"), "id", 7, 90_000))).as("halves of two entries").isFalse();
  }

  @Test
  void aKeyOfZeroIsNeverKnownSoItsItemIsAlwaysOfferedAgain() {
    KnownItems.Builder b = new KnownItems.Builder();
    b.add(QueueItem.lazy(text("x"), "id", 0, 0));
    KnownItems known = b.build();

    assertThat(known.size()).isZero();
    assertThat(known.contains(QueueItem.lazy(text("x"), "id", 0, 0))).isFalse();
  }

  @Test
  void duplicatesAreHeldOnce() {
    KnownItems.Builder b = new KnownItems.Builder();
    for (int i = 0; i < 3; i++) {
      b.add(item("a", "x"));
    }
    assertThat(b.build().size()).isEqualTo(1);
  }
}
