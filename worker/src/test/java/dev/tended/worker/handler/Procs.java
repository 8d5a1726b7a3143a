package dev.tended.worker.handler;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import java.util.List;

/**
 * What the tests check about processes, from core's {@code /proc} reader (whose parsing has its own
 * tests there): whether a pid still runs, where zombies count as gone because PID 1 of a container
 * may never reap them, and which processes are in a group.
 */
final class Procs {
  private Procs() {}

  /** Whether {@code pid} exists and is not a zombie. */
  static boolean isRunning(long pid) {
    return ProcFs.running(pid);
  }

  /** The process group of {@code pid}. */
  static long pgid(long pid) {
    return ProcFs.stat(pid).map(ProcStat::pgrp).orElseThrow(() -> new IllegalStateException("no process " + pid));
  }

  /** Running processes whose environment holds the attempt marker {@code token}. */
  static List<Long> runningWithMarker(String token) {
    String marker = HandlerGroup.MARKER_VARIABLE + "=" + token;
    return ProcFs.table().all().stream().filter(p -> p.running() && ProcFs.environmentHolds(p.pid(), marker).orElse(false))
        .map(ProcStat::pid).toList();
  }

  /** Kills what a test left running with the marker {@code token}, so that a failing test leaves nothing behind. */
  static void killAllWithMarker(String token) {
    for (int round = 0; round < 20 && !runningWithMarker(token).isEmpty(); round++) {
      runningWithMarker(token).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** Running processes whose process group is {@code pgid}. */
  static List<Long> runningInGroup(long pgid) {
    return ProcFs.table().all().stream().filter(p -> p.running() && p.pgrp() == pgid).map(ProcStat::pid).toList();
  }
}
