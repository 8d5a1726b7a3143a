package dev.tended.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A queue file written the careful way (whole file replaced atomically) by the scenario's own thread,
 * with items {@code <prefix>-0 … <prefix>-(n-1)}. Not thread-safe.
 */
final class Queues {
  private final Path file;
  private final String prefix;
  private int count;

  Queues(Path file, String prefix) {
    this.file = file;
    this.prefix = prefix;
  }

  /** Appends {@code n} items and replaces the file. */
  void add(int n) throws IOException {
    count += n;
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",\n").append("{\"id\": \"").append(prefix).append('-').append(i)
          .append("\", \"text\": \"item ").append(i).append("\"}");
    }
    b.append("]\n");
    replaceAtomically(file, b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** What a careful producer does: write a temporary file beside {@code file}, rename it over. */
  static void replaceAtomically(Path file, byte[] bytes) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".producer-tmp");
    Files.write(temp, bytes);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  int count() {
    return count;
  }

  List<String> ids() {
    return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
  }
}
