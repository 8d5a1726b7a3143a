package dev.tended.posix;

import java.util.concurrent.TimeUnit;

/** Clean-up for the processes a test started: none may outlive it. */
final class Spawned {
  private Spawned() {}

  /** Kills {@code p} (if any) and what it started, and waits for it. */
  static void stop(Process p) throws InterruptedException {
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
