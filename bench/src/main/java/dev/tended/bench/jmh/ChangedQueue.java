package dev.tended.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The 100 000-item queue file of the parse-and-diff figures, in numbered versions that differ in one item. */
public final class ChangedQueue {
  private ChangedQueue() {}

  /**
   * Version {@code v}: items {@code idea-0 … idea-99998} as always, and the last item with text
   * {@code "version v"}, so version {@code v} holds exactly one item no earlier version had.
   */
  public static void writeVersion(Path file, int v) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write("[\n");
      int n = ChangedQueueBenchmark.ITEMS;
      for (int i = 0; i < n; i++) {
        String text = i == n - 1 ? "version " + v : "idea number " + i;
        w.write("  {\"id\": \"idea-" + i + "\", \"title\": \"" + text + "\", \"votes\": " + (i % 17)
            + ", \"tags\": [\"a\", \"b\"]}");
        w.write(i + 1 < n ? ",\n" : "\n");
      }
      w.write("]\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
