package dev.tended.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and reading the OOM-kill counter of a cgroup, on cgroup and mount tables as Linux writes them. */
class OomKillsTest {
  @TempDir Path dir;

  private Path file(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  private String mount(String root, String point, String type, String options) {
    return "40 30 0:37 " + root + " " + dir.resolve(point) + " rw,relatime - " + type + " " + type + " " + options + "\n";
  }

  @Test
  void theUnifiedHierarchysMemoryEventsAreReadForTheServicesCgroup() throws IOException {
    Path cgroup = file("proc/cgroup", "0::/system.slice/tended.service\n");
    Path mounts = file("proc/mountinfo", mount("/", "sys/fs/cgroup", "cgroup2", "rw,nsdelegate"));
    Path events = file("sys/fs/cgroup/system.slice/tended.service/memory.events",
        "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n");

    OomKills.Count count = OomKills.of(cgroup, mounts).read().orElseThrow();

    assertThat(count.kills()).isEqualTo(2);
    assertThat(count.file()).isEqualTo(events);
  }

  @Test
  void eachReadingSeesTheCounterAsItIsThen() throws IOException {
    Path cgroup = file("proc/cgroup", "0::/\n");
    Path mounts = file("proc/mountinfo", mount("/", "cg", "cgroup2", "rw"));
    Path events = file("cg/memory.events", "oom 0\noom_kill 0\n");
    OomKills kills = OomKills.of(cgroup, mounts);
    assertThat(kills.read().orElseThrow().kills()).isZero();

    Files.writeString(events, "oom 1\noom_kill 1\n");

    assertThat(kills.read().orElseThrow().kills()).isEqualTo(1);
  }

  @Test
  void aHybridHierarchyWithoutV2MemoryEventsReadsTheV1MemoryControllersCounter() throws IOException {
    Path cgroup = file("proc/cgroup", "9:name=systemd:/\n4:memory:/process_api/abc\n1:cpu,cpuacct:/\n0::/\n");
    Path mounts = file("proc/mountinfo", mount("/", "sys/fs/cgroup/cpu,cpuacct", "cgroup", "rw,cpu,cpuacct")
        + mount("/", "sys/fs/cgroup/memory", "cgroup", "rw,memory")
        + mount("/", "sys/fs/cgroup/unified", "cgroup2", "rw"));
    file("sys/fs/cgroup/unified/cgroup.procs", "");
    Path control = file("sys/fs/cgroup/memory/process_api/abc/memory.oom_control",
        "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");

    OomKills.Count count = OomKills.of(cgroup, mounts).read().orElseThrow();

    assertThat(count.kills()).isEqualTo(3);
    assertThat(count.file()).isEqualTo(control);
  }

  @Test
  void aMountOfAPartOfTheHierarchyIsFollowedFromItsRoot() throws IOException {
    Path cgroup = file("proc/cgroup", "0::/docker/abc/app\n");
    Path mounts = file("proc/mountinfo", mount("/docker/abc", "sys/fs/cgroup", "cgroup2", "rw"));
    Path events = file("sys/fs/cgroup/app/memory.events", "oom_kill 5\n");

    assertThat(OomKills.of(cgroup, mounts).read().orElseThrow().file()).isEqualTo(events);
  }

  @Test
  void withoutACounterToReadThereIsNoReading() throws IOException {
    Path cgroup = file("proc/cgroup", "0::/system.slice/tended.service\n");
    Path noMount = file("proc/mountinfo", "22 1 0:21 / /proc rw - proc proc rw\n");
    Path mounts = file("proc/mountinfo2", mount("/", "sys/fs/cgroup", "cgroup2", "rw"));

    assertThat(OomKills.of(cgroup, noMount).read()).isEmpty();
    assertThat(OomKills.of(cgroup, mounts).read()).as("mounted, no memory controller").isEmpty();
    assertThat(OomKills.of(dir.resolve("absent"), mounts).read()).isEmpty();
  }

  @Test
  void thisProcessCanBeAskedWhateverItsCgroupsAre() {
    OomKills.ofThisProcess().read().ifPresent(c -> assertThat(c.kills()).isNotNegative());
  }
}
