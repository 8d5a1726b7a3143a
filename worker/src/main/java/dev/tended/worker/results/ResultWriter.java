package dev.tended.worker.results;

import dev.tended.status.ItemResult;
import dev.tended.io.AtomicFiles;
import dev.tended.io.SafeFileNames;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.Path;

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
    return resultsDir.resolve(SafeFileNames.forId(source)).resolve(SafeFileNames.forId(id) + ".json");
  }

  /** Writes (or replaces) the result; it is on disk when this returns. */
  public Path write(ItemResult result) throws IOException {
    Path file = fileFor(result.source(), result.id());
    AtomicFiles.write(file, StatusFiles.mapper().writeValueAsBytes(result));
    return file;
  }
}
