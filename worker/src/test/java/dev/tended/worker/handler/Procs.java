package dev.tended.worker.handler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests check about processes, read straight from {@code /proc} (independently of the code
 * under test): whether a pid still runs, where zombies count as gone because PID 1 of a container
 * may never reap them, and which processes are in a group.
 */
final class Procs {
  private Procs() {}

  /** Whether {@code pid} exists and is not a zombie. */
  static boolean isRunning(long pid) {
    String[] f = statFields(pid);
    return f != null && !f[0].equals("Z") && !f[0].equals("X");
  }

  /** The process group of {@code pid}. */
  static long pgid(long pid) {
    String[] f = statFields(pid);
    if (f == null) {
      throw new IllegalStateException("no process " + pid);
    }
    return Long.parseLong(f[2]);
  }

  /** Running processes whose process group is {@code pgid}. */
  static List<Long> runningInGroup(long pgid) throws IOException {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"),
        p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        String[] f = statFields(pid);
        if (f != null && Long.parseLong(f[2]) == pgid && isRunning(pid)) {
          out.add(pid);
        }
      }
    }
    return out;
  }

  /** Fields after the command name: [0] state, [1] ppid, [2] pgrp, [3] session; null when gone. */
  private static String[] statFields(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
          StandardCharsets.ISO_8859_1);
      return line.substring(line.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return null;
    }
  }
}
