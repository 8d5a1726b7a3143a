package dev.tended.reliability;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Runs a short system command (mount, chown, setpriv) and gives its exit code; output is dropped. */
final class Commands {
  private Commands() {}

  /** The exit code, or -1 when it did not end within 30 s (it is then killed). */
  static int run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor(30, TimeUnit.SECONDS)) {
      return p.exitValue();
    }
    p.destroyForcibly();
    return -1;
  }
}
