package dev.tended.retention;

import dev.tended.io.DataFolder;
import dev.tended.io.IoErrors;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.IdentityRecord;
import dev.tended.ledger.PrunedItem;
import dev.tended.logging.Kv;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the files of an item version that retention pruned from the ledger: its result file
 * ({@code results/<source>/<id>.json}, only when it is this version's: the file is per id, and a
 * newer version's result stays) and its work folder ({@code work/<source>/<id>/<hash>/}, then the
 * id's folder when that is left empty). Runs after the ledger's commit, so a crash in between leaves
 * files without an item, never an item without its files. Nothing is followed through a link planted
 * in the data folder, and a file that cannot be removed is logged and skipped, never a reason to
 * stop pruning.
 *
 * <p>Stateless and thread-safe.
 */
public final class PrunedFiles {
  private static final Logger log = LoggerFactory.getLogger(PrunedFiles.class);

  private final Path dataDir;
  private final Path resultsDir;
  private final Path workDir;

  public PrunedFiles(Path dataDir, Path resultsDir, Path workDir) {
    this.dataDir = Objects.requireNonNull(dataDir);
    this.resultsDir = Objects.requireNonNull(resultsDir);
    this.workDir = Objects.requireNonNull(workDir);
  }

  /** What was (or, in a dry run, would be) removed of one item. */
  public record Removed(boolean resultFile, boolean workFolder, long bytes, int failures) {
    static final Removed NOTHING = new Removed(false, false, 0, 0);
  }

  /** Removes the item's files; returns what went. */
  public Removed remove(PrunedItem item) {
    return handle(item.source(), item.id(), item.contentHash(), false);
  }

  /** What {@link #remove} would remove, changing nothing. */
  public Removed wouldRemove(PrunedItem item) {
    return handle(item.source(), item.id(), item.contentHash(), true);
  }

  /** Removes the files of the version {@code pruned} stands for (pruned by any node), if this folder has them. */
  public Removed remove(IdentityRecord pruned) {
    return handle(pruned.source(), pruned.id(), pruned.contentHash(), false);
  }

  /** What {@link #remove(IdentityRecord)} would remove, changing nothing. */
  public Removed wouldRemove(IdentityRecord pruned) {
    return handle(pruned.source(), pruned.id(), pruned.contentHash(), true);
  }

  private Removed handle(String source, String id, String contentHash, boolean dryRun) {
    long bytes = 0;
    int failures = 0;
    boolean result = false;
    Path file = ItemResult.fileIn(resultsDir, source, id);
    try {
      long size = ownResultSize(file, contentHash);
      if (size >= 0) {
        if (!dryRun) {
          Files.delete(file); // a link there is removed itself, never what it names
        }
        result = true;
        bytes += size;
      }
    } catch (IOException e) {
      failures++;
      notRemoved(file, e);
    }
    boolean folder = false;
    Path dir = WorkFolders.of(workDir, source, id, contentHash);
    try {
      DataFolder.checkBelow(dataDir, dir);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        bytes += dryRun ? folderSize(dir) : removeTree(dir);
        if (!dryRun) {
          removeIfEmpty(dir.getParent());
        }
        folder = true;
      }
    } catch (IOException e) {
      failures++;
      notRemoved(dir, e);
    }
    return result || folder || failures > 0 ? new Removed(result, folder, bytes, failures) : Removed.NOTHING;
  }

  /** The result file's size when it is this version's; -1 when there is none or it is another's. */
  private long ownResultSize(Path file, String contentHash) throws IOException {
    DataFolder.checkBelow(dataDir, file.getParent());
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return -1;
    }
    if (!a.isRegularFile()) {
      return -1;
    }
    ItemResult r;
    try {
      r = StatusFiles.mapper().readValue(file.toFile(), ItemResult.class);
    } catch (IOException unreadable) {
      return -1; // not a result of ours: left for a person
    }
    return contentHash.equals(r.contentHash()) ? a.size() : -1;
  }

  /** The bytes under the folder {@code dir}. */
  private static long folderSize(Path dir) throws IOException {
    long[] total = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
        total[0] += attrs.size();
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
  }

  /**
   * Removes {@code dir} and what it holds, returning the bytes of its files; links inside are
   * removed, not followed (walkFileTree follows none).
   */
  private static long removeTree(Path dir) throws IOException {
    long[] total = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        total[0] += attrs.size();
        Files.deleteIfExists(f);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
  }

  private void removeIfEmpty(Path dir) throws IOException {
    if (dir == null || !dir.startsWith(workDir) || dir.equals(workDir)) {
      return;
    }
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException another) {
      // another version of the id still has its folder there
    }
  }

  private static void notRemoved(Path path, IOException e) {
    log.warn("pruned_file_not_removed path={} error={}", Kv.q(path), Kv.q(IoErrors.describe(e)));
  }
}
