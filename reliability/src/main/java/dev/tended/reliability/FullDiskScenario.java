package dev.tended.reliability;

import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerCheck;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Full disk: the data folder is a small tmpfs; mid-run a ballast file fills it, so the ledger, the
 * status file, the results and the log file all meet ENOSPC while items keep arriving (the queue file
 * lives elsewhere, as a producer's would). The worker must keep running, say the disk is full, lose
 * nothing and corrupt nothing, and finish everything on its own once space returns. Needs root (to
 * mount); otherwise skipped.
 */
final class FullDiskScenario implements Scenario {
  private static final String FAULT = "data folder's disk full (ENOSPC) mid-run, 16 MiB tmpfs";

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      return List.of(Outcome.skipped(FAULT, "not root: cannot mount a small tmpfs"));
    }
    try (Rig rig = new Rig(suite, "disk")) {
      Files.createDirectories(rig.dataDir());
      if (Commands.run("mount", "-t", "tmpfs", "-o", "size=16m", "tended-full-disk", rig.dataDir().toString()) != 0) {
        return List.of(Outcome.skipped(FAULT, "mount -t tmpfs failed here"));
      }
      try {
        return List.of(fill(rig));
      } finally {
        rig.close();
        Commands.run("umount", "-l", rig.dataDir().toString());
      }
    }
  }

  private Outcome fill(Rig rig) throws Exception {
    Path queueFile = rig.dir().resolve("ideas_log.json");
    Path handler = rig.handler("ok.sh", "exit 0");
    rig.source(Rig.jsonQueue("ideas", queueFile.toString(), 2, handler, "")).write();
    Queues queue = new Queues(queueFile, "idea");
    queue.add(20);
    rig.startAndAwaitBeat();
    rig.awaitDrained(queue.count(), rig.pace());

    Path ballast = rig.dataDir().resolve("ballast");
    fillUp(ballast);
    long fullAt = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      queue.add(5);
      Thread.sleep(500); // the producer's pace while the disk is full: the faults happen meanwhile
    }
    boolean aliveWhileFull = rig.worker().isAlive();
    String said = rig.outputText();
    boolean saidFull = said.contains("disk_full=true");
    Files.delete(ballast);
    long t0 = System.nanoTime();
    rig.awaitDrained(queue.count(), rig.pace());
    long recoveryMs = (System.nanoTime() - t0) / 1_000_000;
    long fullForMs = (t0 - fullAt) / 1_000_000;
    int exit = rig.stop();
    boolean statusParses = parses(rig.dataDir().resolve("status.json"));
    boolean ledgerSound;
    try (ItemLedger l = LedgerCheck.openTrusted(rig.dataDir().resolve("ledger.db"), rig.dataDir().resolve("results"),
        Clock.systemUTC())) {
      ledgerSound = true;
    } catch (RuntimeException e) {
      ledgerSound = false;
    }
    Audit audit = Audit.of(rig.dataDir(), Map.of("ideas", queue.ids()), RunLog.read(rig.runLog()));
    boolean ok = aliveWhileFull && saidFull && statusParses && ledgerSound && audit.clean() && exit == 0;
    return new Outcome(FAULT, 1, audit.produced(), audit.succeeded(), audit.lost(), audit.rerunAfterFinish(),
        recoveryMs, Outcome.verdict(ok), "full for " + fullForMs + " ms while 30 items arrived; worker "
        + (aliveWhileFull ? "kept running" : "DIED") + "; log " + (saidFull ? "said the disk is full" : "DID NOT say the disk is full")
        + "; ledger " + (ledgerSound ? "passes quick_check" : "DAMAGED") + "; status.json " + (statusParses ? "parses" : "BROKEN")
        + "; recovery = space back → all done" + HangScenario.problems(audit));
  }

  private static void fillUp(Path ballast) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(ballast)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
  }

  private static boolean parses(Path status) {
    try {
      StatusFiles.read(status);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

}
