package dev.tended.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SafeFileNamesTest {
  @Test
  void plainIdsStayReadable() {
    assertThat(SafeFileNames.forId("42")).isEqualTo("42");
    assertThat(SafeFileNames.forId("idea-7.v2")).isEqualTo("idea-7.v2");
  }

  @Test
  void noIdCanNameAPathOutsideItsFolder() {
    Path base = Path.of("/data/results/ideas");
    for (String id : List.of("../../etc/passwd", "/etc/passwd", "a/b", "..", ".", ".hidden", "nul\0byte",
        "x".repeat(300), "", "new\nline", "C:\\windows", "-rf", "\uD800", "~")) {
      String name = SafeFileNames.forId(id);
      assertThat(name).isNotEmpty().doesNotContain("/").doesNotContain("\0").isNotIn(".", "..");
      assertThat(name.getBytes(StandardCharsets.UTF_8).length + ".json".length()).isLessThanOrEqualTo(255);
      assertThat(base.resolve(name).normalize().getParent()).isEqualTo(base);
    }
  }

  @Test
  void differentIdsThatCleanToTheSameTextGetDifferentNames() {
    assertThat(SafeFileNames.forId("a/b")).isNotEqualTo(SafeFileNames.forId("a_b"))
        .isNotEqualTo(SafeFileNames.forId("a:b"));
  }

  @Test
  void anIdThatIsTheOldEncodedNameOfAnotherIdDoesNotShareItsName() {
    String twin = SafeFileNames.legacyForId("a/b").orElseThrow();
    assertThat(twin).startsWith("a_b-");
    assertThat(SafeFileNames.forId(twin)).isEqualTo(twin);
    assertThat(SafeFileNames.forId("a/b")).isEqualTo("~a~2Fb").isNotEqualTo(SafeFileNames.forId(twin));
    assertThat(SafeFileNames.mayBeLegacyOfAnother(twin)).isTrue();
  }

  @Test
  void veryLongIdsAreHashedWithinNameMax() {
    String longId = "é".repeat(200_000);
    String name = SafeFileNames.forId(longId);
    assertThat(name).startsWith("~~~").hasSizeLessThanOrEqualTo(128);
    assertThat(name).isNotEqualTo(SafeFileNames.forId(longId + "x"));
    assertThat(SafeFileNames.forId("\uD800".repeat(100))).isNotEqualTo(SafeFileNames.forId("\uDC00".repeat(100)));
  }

  @Property(tries = 20_000)
  void twoDifferentIdsNeverShareAName(@ForAll("ids") String a, @ForAll("ids") String b) {
    if (!a.equals(b)) {
      assertThat(SafeFileNames.forId(a)).isNotEqualTo(SafeFileNames.forId(b));
    }
  }

  @Property(tries = 5_000)
  void theOldEncodedNameOfAnIdIsNeverTheNewNameOfAnother(@ForAll("ids") String id) {
    SafeFileNames.legacyForId(id).ifPresent(twin -> {
      assertThat(SafeFileNames.forId(id)).isNotEqualTo(twin).isNotEqualTo(SafeFileNames.forId(twin));
    });
  }

  @Property(tries = 5_000)
  void everyNameIsOneShortAsciiComponent(@ForAll("ids") String id) {
    String name = SafeFileNames.forId(id);
    assertThat(name).isNotEmpty().isNotIn(".", "..").matches("[A-Za-z0-9._~-]+");
    assertThat(name.length()).isLessThanOrEqualTo(SafeFileNames.MAX_ESCAPED);
  }

  /** Ids built to collide: old-style names, escape-like text, tildes, long runs, any UTF-16 unit. */
  @Provide
  Arbitrary<String> ids() {
    Arbitrary<String> tricky = Arbitraries.of("a/b", "a_b", "~", "~2F", "~u002F", "~~~", "..", ".", "-",
        "a_b-" + SafeFileNames.sha256Hex("a/b").substring(0, 16), "~a~2Fb", "x".repeat(199), "\u2028", "\u001b");
    Arbitrary<String> small = Arbitraries.strings().withChars("ab/_~.-2Fu").ofMaxLength(12);
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(80);
    Arbitrary<String> longish = Arbitraries.strings().withChars("a/~").ofMinLength(60).ofMaxLength(260);
    Arbitrary<String> parts = Arbitraries.oneOf(tricky, small, any, longish);
    return Arbitraries.oneOf(parts, parts.list().ofMaxSize(3).map(l -> String.join("", l)));
  }
}
