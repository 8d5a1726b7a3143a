package dev.tended.bench;

import dev.tended.bench.e2e.ClusterSection;
import dev.tended.bench.e2e.IdleSection;
import dev.tended.bench.e2e.IdleTreesSection;
import dev.tended.bench.e2e.PickupSection;
import dev.tended.bench.e2e.RestartSection;
import dev.tended.bench.e2e.StartupSection;
import dev.tended.bench.e2e.SystemdSection;
import dev.tended.bench.e2e.ThroughputSection;
import dev.tended.bench.jmh.Fixtures;
import dev.tended.testkit.Jars;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Entry point of {@code bench/run.sh}: runs every section against the built jars, prints one table
 * and writes it to {@code bench/target/bench-result.md}.
 *
 * <pre>
 * --long                 idle figures over 10 min, more samples (default: quick, under 10 min)
 * --only a,b             sections: jmh, pickup, throughput, startup, restart, systemd, idle, idle-trees, retention,
 *                        cluster
 * --worker-jar FILE      measure another worker jar (e.g. one built before a change)
 * --keep                 keep the temporary folders
 * </pre>
 */
public final class BenchMain {
  private static final List<String> SECTIONS = List.of("jmh", "pickup", "throughput", "startup", "restart", "systemd",
      "idle", "idle-trees", "retention", "cluster");

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Profile profile = Profile.quick();
    Set<String> only = new LinkedHashSet<>(SECTIONS);
    Optional<Path> workerJar = Optional.empty();
    boolean keep = false;
    boolean chosen = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--long" -> profile = Profile.longer();
        case "--only" -> {
          only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
          chosen = true;
        }
        case "--worker-jar" -> workerJar = Optional.of(Path.of(args[++i]));
        case "--keep" -> keep = true;
        default -> {
          System.err.println("bench: unknown argument " + args[i] + "; see the README's Performance section");
          System.exit(64);
        }
      }
    }
    if (!SECTIONS.containsAll(only)) {
      System.err.println("bench: sections are " + SECTIONS);
      System.exit(64);
    }
    Jars jars = Jars.under(Path.of("").toAbsolutePath(), workerJar);
    if (!Files.isRegularFile(jars.worker())) {
      System.err.println("bench: no worker jar at " + jars.worker() + "; run bench/run.sh from the source tree");
      System.exit(66);
    }
    JvmFlags tuned = JvmFlags.optionsFile(jars.jvmOptions());
    Report report = new Report(Machine.probe());
    Path work = Files.createTempDirectory("tended-bench-");
    long t0 = System.nanoTime();
    try {
      if (only.contains("jmh")) {
        step("jmh");
        report.addAll(new JmhSection(profile, tuned).run());
      }
      if (only.contains("pickup")) {
        step("pickup");
        PickupSection pickup = new PickupSection(profile, jars.worker(), tuned, work);
        report.addAll(PickupSection.figures(pickup.measure("worker"), "", true));
      }
      if (only.contains("throughput")) {
        step("throughput");
        report.addAll(new ThroughputSection(profile, jars, tuned, work).run());
      }
      if (only.contains("startup")) {
        step("startup");
        report.addAll(new StartupSection(profile, jars, work).run());
      }
      if (only.contains("restart")) {
        step("restart");
        report.addAll(new RestartSection(jars, tuned, work).run());
      }
      if (only.contains("systemd")) {
        step("systemd");
        // A rootfs is built (debootstrap, minutes) only when asked for: --only systemd, or --long.
        boolean mayBuild = chosen || profile.name().equals("long");
        report.addAll(new SystemdSection(Path.of("").toAbsolutePath(), profile.freezes(), mayBuild).run());
      } else if (only.contains("restart")) {
        report.addAll(SystemdSection.notSelected());
      }
      if (only.contains("idle")) {
        step("idle");
        report.addAll(new IdleSection(profile, jars, work).run());
      }
      if (only.contains("retention")) {
        step("retention");
        report.addAll(new RetentionSection(profile.name().equals("long") ? 300_000 : 100_000, work).run());
      }
      if (only.contains("cluster")) {
        step("cluster");
        report.addAll(new ClusterSection(profile, jars, tuned, work).run());
      }
      if (only.contains("idle-trees")) {
        step("idle-trees");
        report.addAll(new IdleTreesSection(profile, jars, work).run());
      }
    } finally {
      if (!keep) {
        Fixtures.delete(work);
      } else {
        System.err.println("bench: kept " + work);
      }
    }
    report.note("Unless a row says otherwise the jars ran with deploy/jvm.options; \"defaults\" is plain java -jar.");
    String table = report.render(Machine.loadAverage(), profile.name(), (System.nanoTime() - t0) / 1_000_000_000L);
    System.out.println(table);
    Path out = Path.of("bench/target/bench-result.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.err.println("bench: table written to " + out);
  }

  private static void step(String name) {
    System.err.println("bench: " + name + " (load " + Machine.loadAverage() + ")");
  }
}
