package dev.tended.worker.source;

import dev.tended.queue.FileStamp;

import dev.tended.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps a copy of a broken queue file for a person to look at, while the file itself is left where
 * the producer put it. Copies are named {@code <file name>.<UTC time yyyyMMdd'T'HHmmss'Z'>} in this
 * source's folder, and a version already kept (same bytes, even from before a restart) is not kept
 * twice. Not thread-safe; owned by its source.
 */
final class Quarantine {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path folder;
  private final Clock clock;

  /** {@code folder} is this source's own folder, e.g. {@code quarantine/ideas}. */
  Quarantine(Path folder, Clock clock) {
    this.folder = Objects.requireNonNull(folder, "folder");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Copies {@code file}, which must still be {@code version} when the copy is done (a producer that
   * appends in place may have moved on), into the quarantine folder unless an identical copy is
   * already there, and returns the copy's path. The copy is made under a hidden temporary name, forced, renamed and its
   * folder forced, so a half copy is never mistaken for a kept version, not even after a power cut,
   * and the copy is on disk before anything (the status file) names it. A failure leaves no copy;
   * the next call copies afresh.
   */
  Path keep(Path file, FileStamp version) throws IOException {
    AtomicFiles.createDirectories(folder);
    String prefix = file.getFileName().toString() + ".";
    Path temp = folder.resolve(
        "." + prefix + "tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      AtomicFiles.copy(file, temp);
      FileStamp now = FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class));
      if (!now.equals(version)) {
        throw new IOException(file + " changed while it was copied, so the copy is not the broken version; not kept");
      }
      Path same = findIdentical(prefix, temp);
      if (same != null) {
        AtomicFiles.forceDirectory(folder); // kept by a process that may have died before forcing it
        return same;
      }
      String base = prefix + STAMP.format(clock.instant());
      Path target = folder.resolve(base);
      for (int n = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
        target = folder.resolve(base + "-" + n); // another broken version within the same second
      }
      AtomicFiles.move(temp, target);
      return target;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private Path findIdentical(String prefix, Path copy) throws IOException {
    long size = Files.size(copy);
    try (DirectoryStream<Path> kept = Files.newDirectoryStream(folder, prefix + "*")) {
      for (Path candidate : kept) {
        if (Files.isRegularFile(candidate)
            && Files.size(candidate) == size
            && Files.mismatch(candidate, copy) == -1L) {
          return candidate;
        }
      }
    }
    return null;
  }
}
