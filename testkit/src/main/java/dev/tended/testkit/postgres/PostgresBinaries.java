package dev.tended.testkit.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where Debian's PostgreSQL server programs are: {@code /usr/lib/postgresql/<major>/bin}, the highest
 * major that has {@code initdb}, {@code pg_ctl} and {@code postgres}. Debian keeps them off the
 * {@code PATH} (only its wrappers are there), so the fixture looks for them itself.
 *
 * @param bin the folder holding the programs
 */
record PostgresBinaries(Path bin) {
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static final List<String> NEEDED = List.of("initdb", "pg_ctl", "postgres");

  /** The highest installed major version's programs, when there is one with all three. */
  static Optional<PostgresBinaries> find() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> majors = Files.list(DEBIAN_ROOT)) {
      return majors.filter(m -> m.getFileName().toString().matches("\\d+"))
          .sorted(Comparator.comparingInt((Path m) -> Integer.parseInt(m.getFileName().toString())).reversed())
          .map(m -> new PostgresBinaries(m.resolve("bin")))
          .filter(PostgresBinaries::complete)
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The program {@code name} of this version, as an absolute path. */
  String program(String name) {
    return bin.resolve(name).toString();
  }

  private boolean complete() {
    return NEEDED.stream().allMatch(n -> Files.isExecutable(bin.resolve(n)));
  }
}
