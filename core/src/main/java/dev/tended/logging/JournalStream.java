package dev.tended.logging;

import dev.tended.posix.ProcFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether stdout or stderr is journald's stream, the one place the daemons decide it. systemd sets
 * {@code JOURNAL_STREAM=<device>:<inode>} of that stream; as sd-daemon(3) recommends, the variable
 * counts only when it names the file descriptor itself (a child that inherited the variable but had
 * its output redirected is not talking to the journal). Where the descriptor cannot be examined
 * ({@code /proc} absent) the variable alone decides.
 *
 * <p>Under the journal a line may begin with an sd-daemon {@code <N>} priority prefix:
 * {@link #errPrefix()} is what a line written straight to stderr (a bad configuration, a failed
 * start) should begin with so that {@code journalctl -p err} shows it.
 */
public final class JournalStream {
  /** The sd-daemon(3) prefix of an error line. */
  public static final String ERR = "<3>";

  private static final Path STDOUT = ProcFs.ownDescriptor(1);
  private static final Path STDERR = ProcFs.ownDescriptor(2);

  private JournalStream() {}

  /** Whether stdout is the journal. */
  public static boolean stdout() {
    return connected(System.getenv(), STDOUT, JournalStream::deviceAndInode);
  }

  /** Whether stderr is the journal. */
  public static boolean stderr() {
    return connected(System.getenv(), STDERR, JournalStream::deviceAndInode);
  }

  /** {@code <3>} when stderr is the journal, else nothing: prefix each line written to stderr. */
  public static String errPrefix() {
    return stderr() ? ERR : "";
  }

  /**
   * The decision, with the environment and the descriptor's {@code device:inode} look-up passed in
   * (empty when it cannot be told).
   */
  static boolean connected(Map<String, String> env, Path fd, Function<Path, Optional<String>> deviceAndInode) {
    String stream = env.get("JOURNAL_STREAM");
    if (stream == null || stream.isBlank()) {
      return false;
    }
    return deviceAndInode.apply(fd).map(stream.trim()::equals).orElse(true);
  }

  /** {@code "<st_dev>:<st_ino>"} of what {@code fd} (a {@code /proc/self/fd/N} link) points at. */
  static Optional<String> deviceAndInode(Path fd) {
    try {
      long dev = (Long) Files.getAttribute(fd, "unix:dev");
      long ino = (Long) Files.getAttribute(fd, "unix:ino");
      return Optional.of(Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino));
    } catch (IOException | RuntimeException e) { // no /proc, no "unix" view: cannot tell
      return Optional.empty();
    }
  }
}
