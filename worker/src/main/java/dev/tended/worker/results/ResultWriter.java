package dev.tended.worker.results;

import dev.tended.status.ItemResult;
import dev.tended.io.AtomicFiles;
import dev.tended.io.SafeFileNames;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes one atomically-replaced result file per finished item under {@code results/<source>/}.
 * The file name comes from {@link SafeFileNames}, so no id can write outside that folder.
 * Thread-safe: each call writes its own file.
 */
public final class ResultWriter {
  private final Path resultsDir;

  public ResultWriter(Path resultsDir) {
    this.resultsDir = resultsDir;
  }

  /** Where the result of {@code source}/{@code id} lives. */
  public Path fileFor(String source, String id) {
    return ItemResult.fileIn(resultsDir, source, id);
  }

  /** Writes (or replaces) the result; it is on disk when this returns. */
  public Path write(ItemResult result) throws IOException {
    Path file = fileFor(result.source(), result.id());
    moveAsideAnOlderWorkersFile(file, result);
    AtomicFiles.write(file, StatusFiles.mapper().writeValueAsBytes(result));
    return file;
  }

  /**
   * An older worker named the result of an id such as {@code a/b} {@code a_b-<hash>}, which is now
   * the name of the id {@code a_b-<hash>} alone: a file found there that belongs to another id is
   * moved to that id's current name first, so neither result is lost.
   */
  private void moveAsideAnOlderWorkersFile(Path file, ItemResult result) throws IOException {
    String name = file.getFileName().toString();
    if (!SafeFileNames.mayBeLegacyOfAnother(name.substring(0, name.length() - ".json".length()))
        || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    ItemResult old;
    try {
      old = StatusFiles.mapper().readValue(file.toFile(), ItemResult.class);
    } catch (IOException unreadable) {
      return; // not a result of ours to keep: replaced like any other
    }
    if (old.id().equals(result.id()) || !old.source().equals(result.source())) {
      return;
    }
    Path own = fileFor(old.source(), old.id());
    if (!Files.exists(own, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(file, own, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
