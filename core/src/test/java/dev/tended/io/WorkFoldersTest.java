package dev.tended.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkFoldersTest {
  private final Path work = Path.of("data", "work");

  @Test
  void eachVersionOfAnIdHasItsOwnFolderUnderTheIdsFolder() {
    Path first = WorkFolders.of(work, "ideas", "42", "1111aaaa1111aaaa" + "0".repeat(48));
    Path second = WorkFolders.of(work, "ideas", "42", "2222bbbb2222bbbb" + "0".repeat(48));
    assertThat(first).isEqualTo(work.resolve("ideas/42/1111aaaa1111aaaa"));
    assertThat(second).isNotEqualTo(first);
    assertThat(second.getParent()).isEqualTo(WorkFolders.perId(work, "ideas", "42"));
  }

  @Test
  void anIdThatIsNoSafeFileNameStaysInsideTheWorkFolder() {
    Path folder = WorkFolders.of(work, "ideas", "../../etc", "abc");
    assertThat(folder.normalize().startsWith(work.resolve("ideas"))).as(folder + " inside work/ideas").isTrue();
    assertThat(folder.getFileName().toString()).isEqualTo("abc");
  }
}
