package dev.tended.worker.dispatch;

import dev.tended.io.DataFolder;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.ItemRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One item version's folder under {@code work/} (what {@code TENDED_WORK_DIR} names): its
 * {@code input.json}, the handler's stdin, and each attempt's stdout, stderr and progress file
 * ({@code TENDED_PROGRESS_FILE}). A version has its
 * own folder ({@link WorkFolders}), so versions of one id never share these files.
 */
record WorkFolder(Path dir) {
  WorkFolder {
    Objects.requireNonNull(dir, "dir");
  }

  static WorkFolder of(Path workDir, ItemRecord item) {
    return new WorkFolder(WorkFolders.of(workDir, item.source(), item.id(), item.contentHash()));
  }

  Path input() {
    return dir.resolve(WorkFolders.INPUT);
  }

  Path stdout(int attempt) {
    return dir.resolve("attempt-" + attempt + ".stdout");
  }

  Path stderr(int attempt) {
    return dir.resolve("attempt-" + attempt + ".stderr");
  }

  /** The file the handler of {@code attempt} touches to show progress: empty when the attempt starts. */
  Path progress(int attempt) {
    return dir.resolve("attempt-" + attempt + ".progress");
  }

  /**
   * Creates the folder, writes the version's JSON as {@code input.json} and an empty progress file
   * for {@code attempt}, following no link.
   */
  void prepare(String payload, int attempt) throws IOException {
    DataFolder.write(input(), payload.getBytes(StandardCharsets.UTF_8));
    DataFolder.write(progress(attempt), new byte[0]);
  }
}
