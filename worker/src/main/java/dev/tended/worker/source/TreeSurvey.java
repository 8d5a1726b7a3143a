package dev.tended.worker.source;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * One walk of a sub-folder entry of a directory queue: its {@link EntryStamp}, and a mark of each
 * folder in the tree (its modification time and file key). Exists so that a folder already offered
 * is not walked again on every poll: a name added, removed or renamed anywhere in the tree changes
 * the modification time of the folder that holds it, so {@link #marksUnchanged()} (one {@code stat}
 * per folder, no listing, no file) tells whether anything but a file's content can have changed. What
 * the marks cannot see, a file rewritten in place, is bounded by the survey's age (the owner walks
 * again when it is old). A tree of more than {@link #MAX_MARKS} folders keeps the mark of its top
 * folder only. Symbolic links in the tree are counted (their own size and time) and never followed.
 * Immutable.
 *
 * @param stamp the entry's version as this walk saw it
 * @param marks the folders of the tree, the top one first
 * @param walkedAt when the walk was made, on the monotonic clock ({@link System#nanoTime()})
 */
record TreeSurvey(EntryStamp stamp, List<Mark> marks, long walkedAt) {
  /** The most folders whose marks are kept; past it, only the top folder's. */
  static final int MAX_MARKS = 10_000;

  TreeSurvey {
    Objects.requireNonNull(stamp, "stamp");
    marks = List.copyOf(marks);
  }

  /** A folder's state as {@code lstat} gives it. */
  record Mark(Path dir, FileTime modified, Object key) {
    static Mark of(Path dir, BasicFileAttributes attrs) {
      return new Mark(dir, attrs.lastModifiedTime(), attrs.fileKey());
    }

    boolean unchanged() {
      try {
        BasicFileAttributes now = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return now.isDirectory() && now.lastModifiedTime().equals(modified) && Objects.equals(now.fileKey(), key);
      } catch (IOException e) {
        return false;
      }
    }
  }

  /**
   * Walks the tree under {@code dir} (a folder, not a link to one). Throws when part of the tree
   * cannot be read or vanished during the walk: the folder is not stable yet, or not readable.
   */
  static TreeSurvey walk(Path dir) throws IOException {
    long walkedAt = System.nanoTime();
    long[] entries = {0};
    long[] bytes = {0};
    Instant[] newest = {Instant.MIN};
    List<Mark> marks = new ArrayList<>();
    Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            count(attrs);
            if (marks.size() <= MAX_MARKS) {
              marks.add(Mark.of(d, attrs));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            count(attrs);
            if (attrs.isRegularFile()) {
              bytes[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            throw e;
          }

          private void count(BasicFileAttributes attrs) {
            entries[0]++;
            Instant modified = attrs.lastModifiedTime().toInstant();
            if (modified.isAfter(newest[0])) {
              newest[0] = modified;
            }
          }
        });
    List<Mark> kept = marks.size() > MAX_MARKS ? marks.subList(0, 1) : marks;
    return new TreeSurvey(new EntryStamp("directory", bytes[0], newest[0], entries[0]), kept, walkedAt);
  }

  /** True when every marked folder is still the same folder with the same modification time. */
  boolean marksUnchanged() {
    for (Mark m : marks) {
      if (!m.unchanged()) {
        return false;
      }
    }
    return true;
  }
}
