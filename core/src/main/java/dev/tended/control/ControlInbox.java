package dev.tended.control;

import dev.tended.io.AtomicFiles;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The asking side of {@link ControlFolder}: leaves a request for the worker (written, forced and
 * renamed into {@code requests/}, so the worker never reads half of one, and it survives a power cut
 * once submitted) and waits, bounded, for its answer. The rename is the worker's wake-up (it watches
 * the folder); a worker that is not running finds the request when it starts, and one that missed an
 * event finds it at its next look (every few seconds). Needs only the {@code tended} group's rights:
 * write on {@code requests/}, read on {@code answers/}; it never opens the ledger.
 *
 * <p>Thread-safe; holds no state but the folder.
 */
public final class ControlInbox {
  /** A request id: milliseconds since the epoch, then random hex; sorts by submission time. */
  public static final Pattern REQUEST_ID = Pattern.compile("[0-9]{13}-[0-9a-f]{12}");
  /** Group-readable whatever the asker's umask: the worker reads it as another user of the group. */
  private static final Set<PosixFilePermission> REQUEST_MODE =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ);
  private static final Duration LOOK_AGAIN = Duration.ofMillis(200);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ControlFolder folder;

  public ControlInbox(ControlFolder folder) {
    this.folder = Objects.requireNonNull(folder);
  }

  /** A fresh request id for a request asked at {@code at}. */
  public static String newRequestId(Instant at) {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return String.format("%013d-%s", at.toEpochMilli(), HexFormat.of().formatHex(b));
  }

  /** Who runs this process, for {@link ControlRequest#askedBy}: {@code user=NAME uid=N}. */
  public static String processUser() {
    String name = System.getProperty("user.name", "?");
    try {
      return "user=" + name + " uid=" + Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "user=" + name;
    }
  }

  /**
   * Leaves {@code request} for the worker; durable when this returns.
   *
   * @throws IOException naming the folder when it is missing or not writable (not in the tended group)
   */
  public void submit(ControlRequest request) throws IOException {
    if (!REQUEST_ID.matcher(request.requestId()).matches()) {
      throw new IllegalArgumentException("not a request id: " + request.requestId());
    }
    Path requests = folder.requests();
    if (!Files.isDirectory(requests, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(requests.toString(), null,
          "no request folder (it is made by the install and by the worker at its start)");
    }
    AtomicFiles.write(folder.requestFile(request.requestId()), StatusFiles.mapper().writeValueAsBytes(request),
        REQUEST_MODE);
  }

  /**
   * Waits up to {@code wait} for the worker's answer to {@code requestId}; empty when none came in
   * time (no worker running, or a busy one: the request stays and takes effect later).
   */
  public Optional<ControlAnswer> awaitAnswer(String requestId, Duration wait) throws IOException, InterruptedException {
    Path answer = folder.answerFile(requestId);
    long deadline = System.nanoTime() + wait.toNanos();
    WatchService watch = null;
    try {
      if (Files.isDirectory(folder.answers())) {
        watch = answer.getFileSystem().newWatchService();
        folder.answers().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      }
    } catch (IOException e) {
      watch = null; // looked at every LOOK_AGAIN instead
    }
    try {
      while (true) {
        Optional<ControlAnswer> read = readAnswer(answer);
        long left = deadline - System.nanoTime();
        if (read.isPresent() || left <= 0) {
          return read;
        }
        long step = Math.min(left, LOOK_AGAIN.toNanos());
        if (watch == null) {
          TimeUnit.NANOSECONDS.sleep(step);
        } else {
          var key = watch.poll(step, TimeUnit.NANOSECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
          }
        }
      }
    } catch (ClosedWatchServiceException e) {
      return readAnswer(answer);
    } finally {
      if (watch != null) {
        watch.close();
      }
    }
  }

  /** The answer to {@code requestId} if the worker wrote one. */
  public Optional<ControlAnswer> answer(String requestId) throws IOException {
    return readAnswer(folder.answerFile(requestId));
  }

  /** Whether {@code requestId} is still waiting for a worker to take it. */
  public boolean pending(String requestId) {
    return Files.exists(folder.requestFile(requestId), LinkOption.NOFOLLOW_LINKS);
  }

  private static Optional<ControlAnswer> readAnswer(Path answer) throws IOException {
    try {
      return Optional.of(StatusFiles.mapper().readValue(answer.toFile(), ControlAnswer.class));
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return Optional.empty();
    }
  }
}
