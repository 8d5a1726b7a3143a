package dev.tended.worker.handler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The waiter every handler runs under ({@code waiter.sh}, a resource of the worker jar) and the
 * command line that starts it: {@code setsid sh -c SCRIPT tended-waiter SETSID SLEEP MV FIFOS EXIT
 * PROGRAM…}. The waiter leads its own session (a signal to the worker's group never reaches it), runs
 * the handler in a session of its own, records its exit status atomically and holds the read ends of
 * its pipes until a worker has drained them and kills it. The tools it needs are resolved once here,
 * on the worker's own {@code PATH}, so that a handler environment with an odd {@code PATH} changes
 * nothing. Immutable.
 */
final class WaiterScript {
  /** The variable the waiter (and only the waiter) carries, with the attempt's token. */
  static final String WAITER_VARIABLE = "TENDED_WAITER";
  /** What the waiter exits with when it cannot open the attempt's pipes. */
  static final int CANNOT_OPEN_PIPES = 111;

  private static final String TEXT = load();
  private static final String SETSID = resolve("setsid");
  private static final String SH = resolve("sh");
  private static final String SLEEP = resolve("sleep");
  private static final String MV = resolve("mv");

  private WaiterScript() {}

  /** The waiter's argv for {@code command} with the files of the attempt. */
  static List<String> argv(List<String> command, AttemptFiles files) {
    List<String> argv = new ArrayList<>(command.size() + 12);
    argv.addAll(List.of(SETSID, SH, "-c", TEXT, "tended-waiter", SETSID, SLEEP, MV,
        files.stdoutFifo().toString(), files.stderrFifo().toString(), files.exitFile().toString()));
    argv.addAll(command);
    return argv;
  }

  private static String load() {
    try (InputStream in = WaiterScript.class.getResourceAsStream("waiter.sh")) {
      if (in == null) {
        throw new IllegalStateException("waiter.sh is missing from the worker's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read waiter.sh", e);
    }
  }

  /** The absolute path of {@code tool} on the worker's {@code PATH}, or the usual place. */
  private static String resolve(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : (path + ":/usr/bin:/bin").split(":")) {
      if (dir.startsWith("/")) {
        Path p = Path.of(dir, tool);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return "/usr/bin/" + tool;
  }
}
