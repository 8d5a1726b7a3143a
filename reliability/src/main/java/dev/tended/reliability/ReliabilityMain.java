package dev.tended.reliability;

import dev.tended.testkit.Folders;
import dev.tended.testkit.Jars;
import dev.tended.testkit.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Entry point of {@code reliability/run.sh}: runs the scenarios against the built jars, prints one
 * table and writes it to {@code reliability/target/reliability-result.md}; exits 1 when a row failed.
 *
 * <pre>
 * --soak        the long profile (about half an hour; default: ci, a few minutes)
 * --only a,b    some scenarios (see {@link #scenarios()})
 * --keep        keep the scratch folders
 * </pre>
 */
public final class ReliabilityMain {
  private ReliabilityMain() {}

  /** Every scenario, in the order they run. */
  static List<Scenario> scenarios() {
    return List.of(new CrashScenario(), new HangScenario(), new DamageScenario(), new FullDiskScenario(),
        new PermissionsScenario(), new PowerCutScenario(), new HostileScenario(), new LeakScenario(),
        new SizeScenario());
  }

  public static void main(String[] args) throws Exception {
    Profile profile = Profile.ci();
    Set<String> only = new LinkedHashSet<>();
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--soak" -> profile = Profile.soak();
        case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
        case "--keep" -> keep = true;
        default -> {
          System.err.println("reliability: unknown argument " + args[i] + "; see the README's Reliability section");
          System.exit(64);
        }
      }
    }
    Path root = Path.of("").toAbsolutePath();
    Result r = run(profile, root, only, keep);
    System.out.println(r.table());
    Path out = root.resolve("reliability/target/reliability-result.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, r.table());
    System.err.println("reliability: table written to " + out);
    System.exit(r.passed() ? 0 : 1);
  }

  /** Runs {@code only} (all when empty) of the scenarios on the jars under {@code root}. */
  static Result run(Profile profile, Path root, Set<String> only, boolean keep) throws Exception {
    Jars jars = Jars.under(root, Optional.empty());
    jars.requireWorker();
    Machine machine = Machine.probe();
    Path work = Files.createTempDirectory("tended-reliability-");
    Suite suite = new Suite(profile, jars, work, root);
    List<Outcome> rows = new ArrayList<>();
    long t0 = System.nanoTime();
    try {
      for (Scenario s : scenarios()) {
        if (only.isEmpty() || only.contains(s.name())) {
          System.err.println("reliability: " + s.name() + " (load " + Machine.loadAverage() + ")");
          rows.addAll(s.run(suite));
        }
      }
    } finally {
      if (keep) {
        System.err.println("reliability: kept " + work);
      } else {
        Folders.deleteTree(work);
      }
    }
    String table = Table.render(machine, profile.name(), (System.nanoTime() - t0) / 1_000_000_000L, rows);
    boolean passed = rows.stream().noneMatch(o -> o.passed() == Outcome.Verdict.FAIL);
    return new Result(rows, table, passed);
  }

  /** The rows, the rendered table, and whether no row failed. */
  record Result(List<Outcome> rows, String table, boolean passed) {}
}
