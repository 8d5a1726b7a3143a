package dev.tended.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A memory cgroup of the test's own making, below the test JVM's own one, with a memory limit, so
 * that a test can put a worker in it and have the kernel's OOM killer act for real: cgroup v2 where
 * the test's cgroup delegates the memory controller to its children, else the v1 memory hierarchy
 * (a hybrid host). Only root may make one; {@link #create} is empty where it cannot be made, and the
 * test that needs it is skipped. Not thread-safe; one per test.
 */
final class MemoryCgroup implements AutoCloseable {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private final Path dir;
  private final Path parent;

  private MemoryCgroup(Path dir, Path parent) {
    this.dir = dir;
    this.parent = parent;
  }

  /** A new cgroup limited to {@code limitBytes} of memory (no swap on top), or empty where none can be made. */
  static Optional<MemoryCgroup> create(long limitBytes) {
    try {
      List<String> own = Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8);
      for (String line : own) {
        String[] f = line.split(":", 3);
        if (f.length == 3 && f[0].equals("0") && f[1].isEmpty()) {
          Optional<MemoryCgroup> v2 = make(ROOT.resolve(f[2].substring(1)), "memory.max", limitBytes, true);
          if (v2.isPresent()) {
            return v2;
          }
        }
      }
      for (String line : own) {
        String[] f = line.split(":", 3);
        if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
          return make(ROOT.resolve("memory").resolve(f[2].substring(1)), "memory.limit_in_bytes", limitBytes, false);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static Optional<MemoryCgroup> make(Path parent, String limitFile, long limitBytes, boolean unified) {
    if (!Files.isDirectory(parent)) {
      return Optional.empty();
    }
    try {
      if (unified && !Files.readString(parent.resolve("cgroup.subtree_control")).contains("memory")) {
        return Optional.empty();
      }
      Path dir = Files.createDirectory(parent.resolve("tended-test-" + UUID.randomUUID()));
      MemoryCgroup made = new MemoryCgroup(dir, parent);
      try {
        Files.writeString(dir.resolve(limitFile), Long.toString(limitBytes));
        Path swap = dir.resolve(unified ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
        if (Files.exists(swap)) {
          Files.writeString(swap, unified ? "0" : Long.toString(limitBytes));
        }
      } catch (IOException | RuntimeException e) {
        made.close();
        return Optional.empty();
      }
      return Optional.of(made);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Moves the process {@code pid} (every thread of it) into this cgroup; what it starts from now on is in it too. */
  void add(long pid) throws IOException {
    Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
  }

  /** Moves what is left back to the parent and removes the cgroup. */
  @Override
  public void close() {
    try {
      for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
        try {
          Files.writeString(parent.resolve("cgroup.procs"), pid.strip());
        } catch (IOException gone) {
          // It ended meanwhile.
        }
      }
      Files.delete(dir);
    } catch (IOException e) {
      // Left for the machine's own clean-up; a cgroup that still holds a process cannot be removed.
    }
  }
}
