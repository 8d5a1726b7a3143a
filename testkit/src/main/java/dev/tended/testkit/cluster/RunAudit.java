package dev.tended.testkit.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the handlers of a {@link ClusterRig} say they did, independent of the ledger: each run appends
 * {@code "<id> <node> <pid> start"} when it begins and {@code "<id> <node> <pid> done"} just before it
 * exits 0, each line in one {@code write} to a file opened with {@code O_APPEND}, so the lines of
 * concurrent handlers on every node never interleave. From it a test tells how often an id really
 * ran, where, and whether a run began after another had already finished. Immutable: a snapshot of
 * the file when it was read.
 */
public final class RunAudit {
  /**
   * One handler run.
   *
   * @param id the item's id
   * @param node the node that ran it
   * @param pid the handler's process id
   * @param startLine where its start line is in the file (0-based)
   * @param doneLine where its done line is, or -1 when it has not finished (or was killed)
   */
  public record Run(String id, String node, long pid, int startLine, int doneLine) {
    public boolean done() {
      return doneLine >= 0;
    }
  }

  private final List<Run> runs;

  private RunAudit(List<Run> runs) {
    this.runs = List.copyOf(runs);
  }

  /** Reads {@code file}; an absent file is no run yet. A line that is not an audit line fails. */
  public static RunAudit read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      lines = List.of();
    }
    List<Run> runs = new ArrayList<>();
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split(" ");
      if (f.length != 4 || !(f[3].equals("start") || f[3].equals("done"))) {
        throw new IOException("audit " + file + " line " + (i + 1) + ": not \"<id> <node> <pid> start|done\": "
            + lines.get(i));
      }
      String key = f[1] + " " + f[2];
      if (f[3].equals("start")) {
        index.put(key, runs.size());
        runs.add(new Run(f[0], f[1], Long.parseLong(f[2]), i, -1));
      } else {
        Integer at = index.remove(key);
        if (at == null) {
          throw new IOException("audit " + file + " line " + (i + 1) + ": done without a start: " + lines.get(i));
        }
        Run r = runs.get(at);
        runs.set(at, new Run(r.id(), r.node(), r.pid(), r.startLine(), i));
      }
    }
    return new RunAudit(runs);
  }

  public List<Run> runs() {
    return runs;
  }

  /** The runs of {@code id}, in the order they started. */
  public List<Run> runsOf(String id) {
    return runs.stream().filter(r -> r.id().equals(id)).toList();
  }

  /** The finished runs per id, ids in name order. */
  public Map<String, List<Run>> finishedById() {
    Map<String, List<Run>> m = new TreeMap<>();
    for (Run r : runs) {
      if (r.done()) {
        m.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r);
      }
    }
    return m;
  }

  /** How many runs each node finished, nodes in name order. */
  public Map<String, Long> finishedByNode() {
    Map<String, Long> m = new TreeMap<>();
    runs.stream().filter(Run::done).forEach(r -> m.merge(r.node(), 1L, Long::sum));
    return m;
  }

  /** A run of {@code id} that started after another run of it had finished, if any: work done twice. */
  public Optional<Run> startedAfterAFinish(String id) {
    List<Run> of = runsOf(id);
    int firstDone = of.stream().filter(Run::done).mapToInt(Run::doneLine).min().orElse(Integer.MAX_VALUE);
    return of.stream().filter(r -> r.startLine() > firstDone).findFirst();
  }

  /** The run of {@code id} on {@code node} that started last, if any. */
  public Optional<Run> lastOn(String id, String node) {
    List<Run> of = runsOf(id).stream().filter(r -> r.node().equals(node)).toList();
    return of.isEmpty() ? Optional.empty() : Optional.of(of.get(of.size() - 1));
  }
}
