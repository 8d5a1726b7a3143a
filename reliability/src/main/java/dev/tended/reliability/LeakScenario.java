package dev.tended.reliability;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Leaks: after many items, the worker's open file descriptors, threads and heap after a full GC are
 * back to their level after start-up (and a short warm-up, so class loading and JIT are not counted).
 */
final class LeakScenario implements Scenario {
  private static final int WARM_UP = 100;
  private static final long FD_SLACK = 2;
  private static final long THREAD_SLACK = 2;
  private static final long HEAP_SLACK_KIB = 8 * 1024;

  @Override
  public String name() {
    return "leaks";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    int items = suite.profile().leakItems();
    String fault = items + " items through the worker (file descriptors, threads, heap after GC)";
    try (Rig rig = new Rig(suite, "leaks")) {
      Path handler = rig.handler("ok.sh", "exit 0");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 4, handler, "")).write();
      Queues queue = new Queues(rig.dataDir().resolve("ideas_log.json"), "idea");
      queue.add(WARM_UP);
      rig.startAndAwaitBeat();
      rig.awaitDrained(WARM_UP, rig.pace());
      long pid = rig.worker().pid();
      JvmProbe.of(pid); // the first jcmd starts the JVM's attach listener (a thread and a socket): not a leak
      JvmProbe before = JvmProbe.of(pid);
      long t0 = System.nanoTime();
      int batch = 500;
      for (int done = 0; done < items; done += batch) {
        queue.add(Math.min(batch, items - done));
        int target = queue.count();
        rig.awaitDrained(target, rig.pace());
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      JvmProbe after = JvmProbe.of(pid);
      rig.stop();
      Audit audit = Audit.of(rig.dataDir(), Map.of("ideas", queue.ids()), RunLog.read(rig.runLog()));
      boolean ok = audit.clean() && after.fds() <= before.fds() + FD_SLACK
          && after.threads() <= before.threads() + THREAD_SLACK
          && before.heapUsedKiB() >= 0 && after.heapUsedKiB() <= before.heapUsedKiB() + HEAP_SLACK_KIB;
      return List.of(new Outcome(fault, items, audit.produced(), audit.succeeded(), audit.lost(),
          audit.rerunAfterFinish(), -1, Outcome.verdict(ok), String.format(
              "after warm-up → after: fds %d → %d, threads %d → %d, heap after GC %d → %d KiB; %.0f items/s with a"
              + " /bin/sh handler at concurrency 4", before.fds(), after.fds(), before.threads(), after.threads(),
              before.heapUsedKiB(), after.heapUsedKiB(), items * 1000.0 / Math.max(1, ms)) + HangScenario.problems(audit)));
    }
  }
}
