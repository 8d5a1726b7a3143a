package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What the two shipped jars hold: each daemon only what it runs, and neither any test machinery.
 * A fault-injection class or a {@code TENDED_TEST_} switch in a production jar would let an
 * environment variable make a real daemon fail its own durable writes.
 */
class ShippedJarsIT {
  private static final String TEST_SWITCH = "TENDED_TEST_";

  @Test
  void theSupervisorJarHoldsNeitherQuartzNorTheWorkerEngine() throws IOException {
    assertThat(entries(Supervisor.jar()))
        .noneMatch(n -> n.startsWith("org/quartz/"))
        .noneMatch(n -> n.startsWith("dev/tended/worker/"))
        .anyMatch(n -> n.startsWith("dev/tended/supervisor/"));
  }

  @Test
  void neitherJarHoldsTheTestKitOrReadsATestSwitch() throws IOException {
    for (Path jar : List.of(WorkerProcess.workerJar(), Supervisor.jar())) {
      assertThat(entries(jar)).as(jar.toString())
          .noneMatch(n -> n.startsWith("dev/tended/testkit/"))
          .noneMatch(n -> n.contains("PowerCut") || n.contains("FailingForces") || n.contains("WedgeablePolls"))
          .noneMatch(n -> n.startsWith("META-INF/services/dev.tended."));
      assertThat(classesMentioning(jar, TEST_SWITCH)).as(jar + ": classes naming " + TEST_SWITCH).isEmpty();
    }
  }

  private static List<String> entries(Path jar) throws IOException {
    List<String> names = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = f.entries(); e.hasMoreElements(); ) {
        names.add(e.nextElement().getName());
      }
    }
    return names;
  }

  /** Our own classes whose constant pool holds {@code text} (string constants are stored as UTF-8). */
  private static List<String> classesMentioning(Path jar, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<String> hits = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = f.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.getName().startsWith("dev/tended/") && entry.getName().endsWith(".class")) {
          try (InputStream in = f.getInputStream(entry)) {
            if (indexOf(in.readAllBytes(), needle) >= 0) {
              hits.add(entry.getName());
            }
          }
        }
      }
    }
    return hits;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
