package dev.tended.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
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
        "x".repeat(300), "", "new\nline", "C:\\windows")) {
      String name = SafeFileNames.forId(id);
      assertThat(name).isNotEmpty().doesNotContain("/").doesNotContain("\0").isNotIn(".", "..");
      assertThat(name.length()).isLessThanOrEqualTo(120);
      assertThat(base.resolve(name).normalize().getParent()).isEqualTo(base);
    }
  }

  @Test
  void differentIdsThatCleanToTheSameTextGetDifferentNames() {
    assertThat(SafeFileNames.forId("a/b")).isNotEqualTo(SafeFileNames.forId("a_b"))
        .isNotEqualTo(SafeFileNames.forId("a:b"));
  }
}
