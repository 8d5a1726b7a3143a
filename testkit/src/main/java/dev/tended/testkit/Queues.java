package dev.tended.testkit;

import dev.tended.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Producer-side helpers: write queue files the way real producers do. */
public final class Queues {
  private Queues() {}

  /** A JSON array of {@code {"id": ..., "title": ...}} objects for ids {@code from..to-1}. */
  public static String ideas(String prefix, int from, int to) {
    return java.util.stream.IntStream.range(from, to)
        .mapToObj(i -> "{\"id\": \"" + prefix + i + "\", \"title\": \"idea " + i + "\"}")
        .collect(Collectors.joining(",\n  ", "[\n  ", "\n]\n"));
  }

  /** Replaces {@code file} atomically (write temp, fsync, rename), as a careful producer does. */
  public static void replaceAtomically(Path file, String content) throws IOException {
    AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /** JSON Lines for the given ids. */
  public static String jsonLines(List<String> ids) {
    return ids.stream().map(id -> "{\"id\": \"" + id + "\", \"text\": \"finding " + id + "\"}\n")
        .collect(Collectors.joining());
  }
}
