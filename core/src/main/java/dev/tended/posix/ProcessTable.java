package dev.tended.posix;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every process {@code /proc} showed at one moment, with the parent-to-children links, so that a
 * tree can be walked on one consistent picture instead of re-reading {@code /proc} per process.
 * Immutable; read it again with {@link ProcFs#table()} for a newer picture.
 */
public final class ProcessTable {
  private final Map<Long, ProcStat> byPid;
  private final Map<Long, List<ProcStat>> children;

  ProcessTable(Collection<ProcStat> processes) {
    Map<Long, ProcStat> pids = new LinkedHashMap<>();
    Map<Long, List<ProcStat>> kids = new HashMap<>();
    for (ProcStat p : processes) {
      pids.put(p.pid(), p);
      kids.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
    }
    this.byPid = Map.copyOf(pids);
    kids.replaceAll((k, v) -> List.copyOf(v));
    this.children = Map.copyOf(kids);
  }

  /** Every process of the picture. */
  public Collection<ProcStat> all() {
    return byPid.values();
  }

  /** The process {@code pid}, if it was there. */
  public Optional<ProcStat> get(long pid) {
    return Optional.ofNullable(byPid.get(pid));
  }

  /** The processes whose parent is {@code pid}. */
  public List<ProcStat> children(long pid) {
    return children.getOrDefault(pid, List.of());
  }

  /** Every descendant of any of {@code roots} (children, their children, ...), roots excluded. */
  public List<ProcStat> descendants(Collection<Long> roots) {
    Map<Long, ProcStat> found = new LinkedHashMap<>();
    Deque<Long> queue = new ArrayDeque<>(roots);
    while (!queue.isEmpty()) {
      for (ProcStat child : children(queue.poll())) {
        if (!roots.contains(child.pid()) && found.putIfAbsent(child.pid(), child) == null) {
          queue.add(child.pid());
        }
      }
    }
    return List.copyOf(found.values());
  }
}
