package dev.tended.retention;

import dev.tended.io.DataFolder;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps at most {@code quarantineKept} copies in each source's folder under {@code quarantine/}, the
 * newest: the worker bounds each queue file's copies as it makes one, and this bounds a source's
 * folder as a whole (a directory source's many file names, copies left from before a lower limit).
 * Hidden files (a copy being made) are never touched.
 *
 * @param copies the copies removed (or that would be)
 * @param bytes their size
 */
public record QuarantineTrim(long copies, long bytes) {

  /** Trims every source folder under {@code quarantineDir} to {@code kept}; {@code dryRun} only counts. */
  public static QuarantineTrim trim(Path dataDir, Path quarantineDir, int kept, boolean dryRun) throws IOException {
    if (!Files.isDirectory(quarantineDir, LinkOption.NOFOLLOW_LINKS)) {
      return new QuarantineTrim(0, 0);
    }
    long copies = 0;
    long bytes = 0;
    try (DirectoryStream<Path> sources = Files.newDirectoryStream(quarantineDir)) {
      for (Path source : sources) {
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        DataFolder.checkBelow(dataDir, source);
        List<Copy> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(source)) {
          for (Path f : files) {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile() && !f.getFileName().toString().startsWith(".")) {
              all.add(new Copy(f, a.lastModifiedTime().toMillis(), a.size()));
            }
          }
        }
        all.sort(Comparator.comparingLong(Copy::modified).reversed().thenComparing(c -> c.path().toString()));
        for (Copy c : all.subList(Math.min(kept, all.size()), all.size())) {
          if (!dryRun) {
            Files.deleteIfExists(c.path());
          }
          copies++;
          bytes += c.size();
        }
      }
    }
    return new QuarantineTrim(copies, bytes);
  }

  private record Copy(Path path, long modified, long size) {}
}
