package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import dev.tended.bench.JvmFlags;
import dev.tended.bench.Profile;
import dev.tended.bench.RigConfig;
import dev.tended.bench.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Start → first heartbeat of the worker jar, with the JVM's defaults, with {@code deploy/jvm.options}
 * and with those plus an AppCDS archive made by a first run ({@code -XX:ArchiveClassesAtExit}).
 */
public final class StartupSection {
  private final Profile profile;
  private final Jars jars;
  private final Path work;

  public StartupSection(Profile profile, Jars jars, Path work) {
    this.profile = profile;
    this.jars = jars;
    this.work = work;
  }

  public List<Figure> run() throws Exception {
    JvmFlags tuned = JvmFlags.optionsFile(jars.jvmOptions());
    Path archive = work.resolve("tended-worker.jsa");
    startOnce(tuned.plus("archive", "-XX:ArchiveClassesAtExit=" + archive), "archive");
    List<JvmFlags> variants = new ArrayList<>(List.of(JvmFlags.defaults(), tuned));
    if (Files.isRegularFile(archive)) {
      variants.add(tuned.plus("jvm.options + AppCDS", "-XX:SharedArchiveFile=" + archive));
    }
    List<Figure> out = new ArrayList<>();
    for (JvmFlags flags : variants) {
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < profile.startRuns(); i++) {
        ms.add(startOnce(flags, flags.name().replaceAll("\\W+", "-") + "-" + i) / 1e6);
      }
      Stats s = Stats.of(ms);
      out.add(Figure.atMost("worker start → first beat (" + flags.name() + ")",
          "java -jar to status.json with its pid, median of " + s.count(), s.p50(), "ms", 1000,
          "min " + Format.number(s.min()) + " ms, max " + Format.number(s.max()) + " ms"));
    }
    out.add(Figure.notMeasured("worker start → READY=1", "sd_notify socket in the rig", "≤ 1.0 s",
        "not taken by the bench (Java 17 has no AF_UNIX datagram socket; SystemdNotifyIT binds one through JNA):"
            + " READY=1 goes out in the step that writes the first beat, so the rows above bound it"));
    return out;
  }

  private long startOnce(JvmFlags flags, String name) throws Exception {
    RigConfig config = new RigConfig(work.resolve("start-" + name))
        .jsonQueue("ideas", "ideas_log.json", "2s", 1, Path.of("/bin/true"));
    config.write();
    try (WorkerRig rig = new WorkerRig(config, jars.worker())) {
      long nanos = rig.start(flags);
      int exit = rig.stop();
      if (exit != 0) {
        throw new IllegalStateException("worker exited " + exit + " on SIGTERM; see " + config.dir());
      }
      return nanos;
    }
  }
}
