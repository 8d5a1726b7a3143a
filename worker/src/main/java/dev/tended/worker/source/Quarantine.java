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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps a bounded copy of a broken queue file (or of one bad line of it) for a person to look at,
 * while the file itself is left where the producer put it. Bounded so that a queue file can never
 * fill the disk through its copies, however large (or sparse) it is and however often it breaks:
 *
 * <ul>
 *   <li>a copy holds at most {@link #MAX_COPY_BYTES}: a file up to that size whole, a larger one the
 *       window of that size around the fault (named {@code .bytes-<from>-<to>}), a bad line up to
 *       that much of it (named {@code .line-<n>}); so a copy costs at most that much I/O on the
 *       poller thread, never the file's size;
 *   <li>at most {@code kept} copies per source: the oldest go when a new one is kept.
 * </ul>
 *
 * Copies are named {@code <file name>.<UTC time yyyyMMdd'T'HHmmss'Z'>[suffix]} in this source's
 * folder, and a copy identical to one already kept (even from before a restart; for a line, of the
 * same line) is not kept twice.
 * Temporary copies left by a killed worker are removed at the first use. Not thread-safe; owned by
 * its source.
 */
final class Quarantine {
  /** The most bytes one copy holds. */
  static final long MAX_COPY_BYTES = 1024 * 1024;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path folder;
  private final Clock clock;
  private final int kept;
  private boolean swept;

  /**
   * {@code folder} is this source's own folder, e.g. {@code quarantine/ideas}; {@code kept} is
   * {@code retention.quarantineKept}.
   */
  Quarantine(Path folder, Clock clock, int kept) {
    this.folder = Objects.requireNonNull(folder, "folder");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (kept < 1) {
      throw new IllegalArgumentException("kept must be at least 1, was " + kept);
    }
    this.kept = kept;
  }

  /**
   * Copies {@code file} (at most {@link #MAX_COPY_BYTES} of it, around byte {@code faultOffset}, -1
   * for unknown: from its start), which must still be {@code version} when the copy is done (a
   * producer that appends in place may have moved on), and returns the copy's path.
   */
  Path keepVersion(Path file, FileStamp version, long faultOffset) throws IOException {
    long size = version.size();
    long from = 0;
    long to = size;
    String suffix = "";
    if (size > MAX_COPY_BYTES) {
      long centre = Math.max(0, faultOffset);
      from = Math.max(0, Math.min(centre - MAX_COPY_BYTES / 2, size - MAX_COPY_BYTES));
      to = from + MAX_COPY_BYTES;
      suffix = ".bytes-" + from + "-" + to;
    }
    return keep(file, from, to, suffix, now -> now.equals(version));
  }

  /**
   * Copies the bytes {@code [from, to)} of {@code file} (line {@code line}, at most {@link
   * #MAX_COPY_BYTES} of it); the file may have grown meanwhile, not been replaced or cut.
   */
  Path keepLine(Path file, FileStamp version, int line, long from, long to) throws IOException {
    long end = Math.min(to, from + MAX_COPY_BYTES);
    return keep(file, from, end, ".line-" + line,
        now -> Objects.equals(now.fileKey(), version.fileKey()) && now.size() >= end);
  }

  /** Whether the file, as it is after the copy, still holds what was meant to be copied. */
  @FunctionalInterface
  private interface StillValid {
    boolean test(FileStamp now);
  }

  /**
   * Makes the copy under a hidden temporary name, forced, renamed and its folder forced, so a half
   * copy is never mistaken for a kept one, not even after a kill or a power cut, and the copy is on
   * disk before anything (the status file) names it. A failure leaves no copy.
   */
  private Path keep(Path file, long from, long to, String suffix, StillValid valid) throws IOException {
    AtomicFiles.createDirectories(folder);
    String prefix = file.getFileName().toString() + ".";
    if (!swept) {
      removeTemps(prefix);
      swept = true;
    }
    Path temp = folder.resolve(
        "." + prefix + "tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      AtomicFiles.copy(file, from, to, temp);
      FileStamp now = FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class));
      if (!valid.test(now)) {
        throw new IOException(file + " changed while it was copied, so the copy is not the broken version; not kept");
      }
      Path same = findIdentical(prefix, suffix, temp);
      if (same != null) {
        AtomicFiles.forceDirectory(folder); // kept by a process that may have died before forcing it
        return same;
      }
      String base = prefix + STAMP.format(clock.instant());
      Path target = folder.resolve(base + suffix);
      for (int n = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
        target = folder.resolve(base + "-" + n + suffix); // another broken version within the same second
      }
      AtomicFiles.move(temp, target);
      prune(prefix, target);
      return target;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Removes the oldest copies beyond {@code kept}, never {@code newest}. */
  private void prune(String prefix, Path newest) throws IOException {
    List<Path> copies = copies(prefix);
    if (copies.size() <= kept) {
      return;
    }
    copies.sort(Comparator.comparing((Path p) -> modified(p)).thenComparing(Path::toString));
    int excess = copies.size() - kept;
    for (Path p : copies) {
      if (excess == 0) {
        break;
      }
      if (!p.equals(newest)) {
        Files.deleteIfExists(p);
        excess--;
      }
    }
    AtomicFiles.forceDirectory(folder);
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException gone) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  private List<Path> copies(String prefix) throws IOException {
    List<Path> copies = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(folder, prefix + "*")) {
      for (Path p : all) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          copies.add(p);
        }
      }
    }
    return copies;
  }

  /** Temporary copies of a worker killed while copying: never a kept copy, so removed. */
  private void removeTemps(String prefix) throws IOException {
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(folder, "." + prefix + "tmp-*")) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }

  /** A copy already kept with the same bytes (and, for a line, of the same line). */
  private Path findIdentical(String prefix, String suffix, Path copy) throws IOException {
    long size = Files.size(copy);
    for (Path candidate : copies(prefix)) {
      if (candidate.getFileName().toString().endsWith(suffix)
          && Files.size(candidate) == size && Files.mismatch(candidate, copy) == -1L) {
        return candidate;
      }
    }
    return null;
  }
}
