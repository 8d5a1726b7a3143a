package dev.tended.worker.source;

import java.util.List;
import java.util.Locale;

/**
 * Which names in a directory queue are not items: hidden names and the names editors, downloaders
 * and careful producers give to files they have not finished ({@code .#x}, {@code #x#}, {@code x~},
 * {@code x.tmp}, {@code x.part}, {@code x.partial}, {@code x.swp}). A producer that writes under such
 * a name and then renames is never read half-way.
 */
final class EntryNames {
  private static final List<String> TEMPORARY_SUFFIXES =
      List.of(".tmp", ".temp", ".part", ".partial", ".swp", ".swx", "~");

  private EntryNames() {}

  /** True when the entry called {@code name} must not become an item. */
  static boolean ignored(String name) {
    if (name.isEmpty() || name.startsWith(".") || name.startsWith("#")) {
      return true;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return TEMPORARY_SUFFIXES.stream().anyMatch(lower::endsWith);
  }
}
