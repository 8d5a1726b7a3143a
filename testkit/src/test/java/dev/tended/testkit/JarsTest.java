package dev.tended.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarsTest {
  @TempDir Path dir;

  @Test
  void sourceTreeIsFoundFromAnyFolderBelowIt() throws Exception {
    Files.createDirectories(dir.resolve("worker"));
    Files.createDirectories(dir.resolve("testkit"));
    Files.writeString(dir.resolve("worker/pom.xml"), "<project/>");
    Files.writeString(dir.resolve("testkit/pom.xml"), "<project/>");
    Path deep = Files.createDirectories(dir.resolve("reliability/target/work"));
    assertThat(Jars.sourceTreeAt(deep)).contains(dir.toAbsolutePath());
    assertThat(Jars.sourceTreeAt(dir.getParent())).isEmpty();
  }

  @Test
  void theKitsOwnJarOrClassesGoOnAWorkersClassPathNeverAToolJarThatShadedItWithTheWorker() throws Exception {
    assertThat(Jars.holdsTheKitAlone(Files.createDirectories(dir.resolve("testkit/target/classes")))).isTrue();
    assertThat(Jars.holdsTheKitAlone(dir.resolve("testkit/target/tended-testkit-0.1.0.jar"))).isTrue();
    assertThat(Jars.holdsTheKitAlone(dir.resolve("reliability/target/tended-reliability.jar"))).isFalse();
  }

  @Test
  void theBuiltKitJarIsTheMainOneNotItsSourcesOrTests() throws Exception {
    Path target = Files.createDirectories(dir.resolve("testkit/target"));
    assertThat(Jars.builtKitJar(target)).isEmpty();
    Files.writeString(target.resolve("tended-testkit-0.1.0-sources.jar"), "");
    Files.writeString(target.resolve("tended-testkit-0.1.0-tests.jar"), "");
    Files.writeString(target.resolve("tended-testkit-0.1.0.jar"), "");
    assertThat(Jars.builtKitJar(target)).isEqualTo(Optional.of(target.resolve("tended-testkit-0.1.0.jar")));
  }
}
