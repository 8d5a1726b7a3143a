package dev.tended.supervisor.diagnose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Takes a thread dump of another JVM with {@code jcmd <pid> Thread.print}, bounded by a timeout: a
 * wedged JVM usually still answers (its attach listener is a thread of its own), a frozen or dying one
 * does not, and the supervisor must not wait for it. {@code jcmd} is taken from the supervisor's own
 * JDK, else from {@code PATH}; a JRE without it yields an explanation instead of a dump.
 */
final class ThreadDumps {
  private static final int MAX_BYTES = 4 * 1024 * 1024;

  /** What came back: the dump, or why there is none. */
  record Dump(boolean ok, String text, long tookMs) {}

  private final Duration timeout;

  ThreadDumps(Duration timeout) {
    this.timeout = timeout;
  }

  Dump take(long pid) {
    long start = System.nanoTime();
    Path jdkJcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String jcmd = Files.isExecutable(jdkJcmd) ? jdkJcmd.toString() : "jcmd";
    Process p;
    try {
      p = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print", "-l")
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      return new Dump(false, "jcmd could not be started: " + e.getMessage(), ms(start));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(p.getInputStream(), out), "thread-dump-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Dump(false, "jcmd did not answer within " + timeout.toMillis() + " ms (the JVM cannot answer)",
            ms(start));
      }
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Dump(false, "interrupted while waiting for jcmd", ms(start));
    }
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    boolean ok = p.exitValue() == 0 && text.contains("Full thread dump");
    return new Dump(ok, ok ? text : "jcmd exit code " + p.exitValue() + ": " + text.strip(), ms(start));
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (out) {
          if (out.size() < MAX_BYTES) {
            out.write(buf, 0, Math.min(n, MAX_BYTES - out.size()));
          }
        }
      }
    } catch (IOException e) {
      // the process was killed; what was read is kept
    }
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
