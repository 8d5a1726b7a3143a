package dev.tended.supervisor.cli;

import dev.tended.config.ConfigException;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.logging.JournalStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command, and the loading that reports every problem. */
final class ConfigOption {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "the YAML configuration shared by worker and supervisor")
  Path file;

  /** Loads the file, or prints every problem (key path and reason) to {@code err} and returns null. */
  TendedConfig loadOrReport(PrintWriter err) {
    try {
      return ConfigLoader.load(file);
    } catch (ConfigException e) {
      report(e, err);
      return null;
    }
  }

  static void report(ConfigException e, PrintWriter err) {
    String prefix = JournalStream.errPrefix(); // <3>: journalctl -p err shows it
    for (String p : e.problems()) {
      err.println(prefix + "config: " + p);
    }
    err.flush();
  }
}
