package dev.tended.supervisor.restart;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the POSIX signals the JDK cannot ({@code SIGCONT}, {@code SIGQUIT}): through libc's
 * {@code kill(2)} via JNA, or the {@code kill} program when JNA cannot load. Linux numbering.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);
  static final int SIGQUIT = 3;
  static final int SIGCONT = 18;

  private interface LibC extends Library {
    int kill(int pid, int sig);
  }

  private static final LibC LIBC = load();

  private Signals() {}

  private static LibC load() {
    try {
      return Native.load("c", LibC.class);
    } catch (Throwable t) {
      log.warn("signals_jna_unavailable error={}", t.toString());
      return null;
    }
  }

  /** Sends {@code signal} to {@code pid}; returns whether it was delivered. */
  static boolean send(long pid, int signal) {
    if (LIBC != null) {
      return LIBC.kill((int) pid, signal) == 0;
    }
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
