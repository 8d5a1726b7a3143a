package dev.tended.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How many processes of this process's own cgroup the kernel's OOM killer has killed, so that a
 * handler that died of SIGKILL can be told apart from one the kernel killed for want of memory: the
 * signal alone says nothing of who sent it. Read from cgroup v2's {@code memory.events}
 * ({@code oom_kill}, counting the cgroup and those below it), else from cgroup v1's
 * {@code memory.oom_control} ({@code oom_kill}, kernel 4.13 and later) where the memory controller
 * is still on v1 (a hybrid hierarchy). The cgroup is found in {@code /proc/self/cgroup} and its
 * folder through the mount table, so a cgroup namespace or a mount elsewhere than
 * {@code /sys/fs/cgroup} reads right.
 *
 * <p>Where there is no such file (no cgroups mounted, no memory controller, an older kernel) every
 * reading is empty. Immutable: the file is found once per instance, read at each {@link #read()}.
 */
public final class OomKills {
  private static final String V2_FILE = "memory.events";
  private static final String V1_FILE = "memory.oom_control";
  private static final String COUNTER = "oom_kill ";

  /** A reading: the count and the file it came from (for the detail that cites it). */
  public record Count(long kills, Path file) {}

  private final Optional<Path> file;

  private OomKills(Optional<Path> file) {
    this.file = file;
  }

  /** The counter of this process's own cgroup. */
  public static OomKills ofThisProcess() {
    return of(Path.of("/proc/self/cgroup"), Path.of("/proc/self/mountinfo"));
  }

  /**
   * The counter of the cgroup {@code cgroupFile} names (a {@code /proc/<pid>/cgroup}), mounted as
   * {@code mountinfo} (a {@code /proc/<pid>/mountinfo}) says.
   */
  static OomKills of(Path cgroupFile, Path mountinfo) {
    try {
      List<String> cgroups = Files.readAllLines(cgroupFile, StandardCharsets.UTF_8);
      List<String> mounts = Files.readAllLines(mountinfo, StandardCharsets.UTF_8);
      Optional<Path> v2 = folder(cgroups, mounts, true).map(d -> d.resolve(V2_FILE)).filter(Files::isReadable);
      return new OomKills(v2.or(() -> folder(cgroups, mounts, false).map(d -> d.resolve(V1_FILE))
          .filter(Files::isReadable)));
    } catch (IOException | RuntimeException e) {
      return new OomKills(Optional.empty());
    }
  }

  /** The count now; empty where there is no counter to read. */
  public Optional<Count> read() {
    return file.flatMap(f -> {
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.startsWith(COUNTER)) {
            return Optional.of(new Count(Long.parseLong(line.substring(COUNTER.length()).strip()), f));
          }
        }
        return Optional.empty();
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    });
  }

  /**
   * The folder of this process's cgroup: in the unified (v2) hierarchy, or in the v1 hierarchy of
   * the memory controller. A {@code /proc/self/cgroup} line is {@code id:controllers:path}; a
   * mountinfo line holds the mount's root (4th field) and mount point (5th), then after {@code " - "}
   * the file system type and its options ({@code memory} among them for that v1 hierarchy).
   */
  private static Optional<Path> folder(List<String> cgroups, List<String> mounts, boolean unified) {
    Optional<String> path = cgroups.stream().map(l -> l.split(":", 3)).filter(f -> f.length == 3)
        .filter(f -> unified ? f[0].equals("0") && f[1].isEmpty() : List.of(f[1].split(",")).contains("memory"))
        .map(f -> f[2]).findFirst();
    if (path.isEmpty()) {
      return Optional.empty();
    }
    for (String m : mounts) {
      int dash = m.indexOf(" - ");
      if (dash < 0) {
        continue;
      }
      String[] before = m.substring(0, dash).split(" ");
      String[] after = m.substring(dash + 3).split(" ");
      if (before.length < 5 || after.length < 3) {
        continue;
      }
      boolean fits = unified ? after[0].equals("cgroup2")
          : after[0].equals("cgroup") && List.of(after[2].split(",")).contains("memory");
      String root = before[3];
      if (fits && (path.get() + "/").startsWith(root.endsWith("/") ? root : root + "/")) {
        String below = path.get().substring(root.length()).replaceFirst("^/+", "");
        return Optional.of(below.isEmpty() ? Path.of(before[4]) : Path.of(before[4]).resolve(below));
      }
    }
    return Optional.empty();
  }
}
