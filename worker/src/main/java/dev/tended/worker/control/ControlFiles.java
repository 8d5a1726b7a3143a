package dev.tended.worker.control;

import dev.tended.control.ControlAnswer;
import dev.tended.control.ControlFolder;
import dev.tended.io.AtomicFiles;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The worker's side of {@link ControlFolder} on disk: makes the folders (as the install's tmpfiles
 * does: {@code requests/} group-writable and setgid), lists requests oldest first, writes answers
 * (group-readable, atomically), moves rejected files aside and keeps both folders bounded: answers
 * are kept {@link #ANSWERS_KEPT_FOR} and at most {@link #ANSWERS_KEPT}, rejected files at most {@link
 * #REJECTED_KEPT}.
 */
final class ControlFiles {
  static final Duration ANSWERS_KEPT_FOR = Duration.ofDays(1);
  static final int ANSWERS_KEPT = 1000;
  static final int REJECTED_KEPT = 100;
  private static final Set<PosixFilePermission> ANSWER_MODE =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ);

  private final ControlFolder folder;

  ControlFiles(ControlFolder folder) {
    this.folder = folder;
  }

  ControlFolder folder() {
    return folder;
  }

  /** Makes what is missing; a folder the install made is left as it is. */
  void prepare() throws IOException {
    make(folder.dir(), 0750);
    make(folder.requests(), 02770);
    make(folder.answers(), 0750);
    make(folder.rejected(), 0750);
  }

  private static void make(Path dir, int mode) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.createDirectories(dir);
    try {
      Files.setAttribute(dir, "unix:mode", mode);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // not a POSIX file system: the default mode stays
    }
  }

  /** The request files waiting, oldest first (their names start with the submission time). */
  List<Path> waiting() throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.requests())) {
      for (Path f : files) {
        if (RequestReader.isCandidate(f.getFileName().toString())) {
          found.add(f);
        }
      }
    }
    found.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return found;
  }

  void answer(ControlAnswer answer) throws IOException {
    AtomicFiles.write(folder.answerFile(answer.requestId()), StatusFiles.mapper().writeValueAsBytes(answer),
        ANSWER_MODE);
  }

  /** The request is answered: it goes (it must not be applied again). */
  void done(Path request) throws IOException {
    Files.deleteIfExists(request);
  }

  /** Moves a file that is not a request out of {@code requests/}, to be looked at, not applied. */
  void reject(Path file) throws IOException {
    Files.move(file, folder.rejected().resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Answers older than a day or beyond the newest thousand go, and rejected files beyond the newest hundred. */
  void trim(Instant now) throws IOException {
    trim(folder.answers(), ANSWERS_KEPT, now.minus(ANSWERS_KEPT_FOR));
    trim(folder.rejected(), REJECTED_KEPT, Instant.MIN);
  }

  private static void trim(Path dir, int kept, Instant before) throws IOException {
    record Aged(Path file, FileTime modified) {}
    List<Aged> files = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, f -> !f.getFileName().toString().startsWith("."))) {
      for (Path f : all) {
        files.add(new Aged(f, Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)));
      }
    }
    files.sort(Comparator.comparing(Aged::modified));
    for (int i = 0; i < files.size(); i++) {
      Aged f = files.get(i);
      if (i < files.size() - kept || f.modified().toInstant().isBefore(before)) {
        Files.deleteIfExists(f.file());
      }
    }
  }
}
