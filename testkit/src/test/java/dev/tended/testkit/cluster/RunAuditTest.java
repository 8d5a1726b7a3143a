package dev.tended.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAuditTest {
  @TempDir Path dir;

  @Test
  void interleavedLinesOfConcurrentHandlersArePairedByNodeAndPid() throws Exception {
    RunAudit audit = audit("""
        a n1 10 start
        b n2 10 start
        b n2 10 done
        c n1 11 start
        a n1 10 done
        """);
    assertThat(audit.runsOf("a")).singleElement().satisfies(r -> {
      assertThat(r.node()).isEqualTo("n1");
      assertThat(r.done()).isTrue();
    });
    assertThat(audit.runsOf("c")).singleElement().matches(r -> !r.done());
    assertThat(audit.finishedByNode()).containsEntry("n1", 1L).containsEntry("n2", 1L);
    assertThat(audit.finishedById()).containsOnlyKeys("a", "b");
  }

  @Test
  void aRunThatStartsAfterTheItemFinishedIsWorkDoneTwice() throws Exception {
    RunAudit audit = audit("""
        a n1 10 start
        a n1 10 done
        a n2 20 start
        a n2 20 done
        b n1 11 start
        b n2 21 start
        b n2 21 done
        """);
    assertThat(audit.startedAfterAFinish("a")).hasValueSatisfying(r -> assertThat(r.node()).isEqualTo("n2"));
    assertThat(audit.startedAfterAFinish("b")).as("a killed run, then the one that finished").isEmpty();
    assertThat(audit.lastOn("a", "n2")).hasValueSatisfying(r -> assertThat(r.pid()).isEqualTo(20));
  }

  @Test
  void aMissingFileIsNoRunAndAForeignLineFailsNamingItsPlace() throws Exception {
    assertThat(RunAudit.read(dir.resolve("none")).runs()).isEmpty();
    assertThatThrownBy(() -> audit("a n1 10 start\nhello\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("line 2").hasMessageContaining("hello");
    assertThatThrownBy(() -> audit("a n1 10 done\n")).hasMessageContaining("done without a start");
  }

  private RunAudit audit(String text) throws IOException {
    return RunAudit.read(Files.writeString(dir.resolve("audit.log"), text));
  }
}
