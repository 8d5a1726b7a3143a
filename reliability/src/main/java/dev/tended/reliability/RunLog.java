package dev.tended.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The handlers' own record of every run: each run appends {@code <source> <id> <attempt>} to one file
 * (one small {@code O_APPEND} write, so lines never mix). Independent of tended, so it shows runs
 * tended may not know of.
 */
final class RunLog {
  private final Map<String, List<Integer>> attemptsByItem;

  private RunLog(Map<String, List<Integer>> attemptsByItem) {
    this.attemptsByItem = attemptsByItem;
  }

  /** The shell line a handler runs first to record itself in {@code file}. */
  static String recordLine(Path file) {
    return "echo \"$TENDED_SOURCE $TENDED_ITEM_ID $TENDED_ATTEMPT\" >> '" + file + "'";
  }

  static RunLog read(Path file) throws IOException {
    Map<String, List<Integer>> m = new HashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      lines = List.of();
    }
    for (String line : lines) {
      String[] f = line.trim().split(" ");
      if (f.length == 3) {
        m.computeIfAbsent(f[0] + "/" + f[1], k -> new ArrayList<>()).add(Integer.parseInt(f[2]));
      }
    }
    return new RunLog(m);
  }

  /** The attempt numbers {@code source}/{@code id} ran with, in the order they started. */
  List<Integer> attempts(String source, String id) {
    return attemptsByItem.getOrDefault(source + "/" + id, List.of());
  }

  /** All runs recorded. */
  long runs() {
    return attemptsByItem.values().stream().mapToLong(List::size).sum();
  }
}
