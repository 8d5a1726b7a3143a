package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.io.SafeFileNames;
import org.junit.jupiter.api.Test;

class KnownItemsTest {
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
}
