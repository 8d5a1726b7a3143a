package dev.tended.supervisor.alerts;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code alerts.command} once for one notification: the argv as given (no shell), the
 * {@code TENDED_ALERT*} variables added to the supervisor's environment, the one-line summary on
 * stdin, stdout discarded and stderr kept in {@code dataDir/alert-command.stderr} (its last line is
 * logged when the run fails). A run that outlasts {@code alerts.timeout} is killed with every
 * process it started.
 *
 * <p>Stateless apart from its settings; called by the sending thread only.
 */
final class AlertCommand {
  /** How the run ended: {@code failure} null when it exited 0. */
  record Outcome(String failure, long tookMs) {
    boolean ok() {
      return failure == null;
    }
  }

  private final List<String> argv;
  private final Duration timeout;
  private final String host;
  private final Path stderrFile;

  AlertCommand(List<String> argv, Duration timeout, String host, Path stderrFile) {
    this.argv = List.copyOf(argv);
    this.timeout = timeout;
    this.host = host;
    this.stderrFile = stderrFile;
  }

  /** Runs the command for {@code n}; throws InterruptedException (after killing it) when the thread is interrupted. */
  Outcome run(Notification n) throws InterruptedException {
    long start = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.to(stderrFile.toFile()));
    Map<String, String> env = pb.environment();
    env.put("TENDED_ALERT", n.key().alert().id());
    env.put("TENDED_ALERT_STATE", n.state());
    env.put("TENDED_ALERT_SOURCE", n.key().source());
    env.put("TENDED_ALERT_DETAIL", Notification.oneLine(n.detail()));
    env.put("TENDED_ALERT_HOST", host);
    env.put("TENDED_ALERT_AT", n.at().toString());
    Process p;
    try {
      p = pb.start();
    } catch (IOException | RuntimeException e) {
      return new Outcome("cannot start " + argv.get(0) + ": " + e.getMessage(), ms(start));
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write((n.summary(host) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // It did not read its stdin (closed it early): its exit code still decides.
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(p);
        return new Outcome("timed out after " + timeout.toMillis() + " ms (killed)", ms(start));
      }
    } catch (InterruptedException e) {
      killTree(p);
      throw e;
    }
    int code = p.exitValue();
    return code == 0 ? new Outcome(null, ms(start)) : new Outcome("exit " + code + lastErrorLine(), ms(start));
  }

  /** The process and everything it started, descendants first seen before any is killed. */
  private static void killTree(Process p) {
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    try {
      p.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String lastErrorLine() {
    try {
      List<String> lines = Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i).strip();
        if (!line.isEmpty()) {
          return ": " + (line.length() > 200 ? line.substring(0, 200) + "…" : line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no output to quote
    }
    return "";
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
