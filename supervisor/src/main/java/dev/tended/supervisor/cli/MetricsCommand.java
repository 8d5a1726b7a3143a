package dev.tended.supervisor.cli;

import dev.tended.config.TendedConfig;
import dev.tended.supervisor.metrics.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tended metrics --config FILE}: the Prometheus exposition the supervisor writes to
 * {@code metrics.textfile}, on stdout, for a scrape by hand or a cron job without the supervisor's
 * file. Read-only (the status files, the ledger's read-only view): the {@code tended} group is enough.
 * An input that cannot be read leaves its metrics out and is named on stderr; the rest is printed.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Print the Prometheus metrics (text format) on stdout.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed (inputs that cannot be read are named on stderr, their metrics left out)",
        "78:bad configuration", "1:the metrics cannot be printed"})
final class MetricsCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  /** Where the exposition goes; stdout (a field so the bytes are written unchanged, not through a Writer). */
  OutputStream stdout = System.out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    TendedConfig cfg = config.loadOrReport(err);
    if (cfg == null) {
      return ExitCodes.CONFIG;
    }
    byte[] text = Metrics.exposition(cfg, Instant.now(), missing -> err.println("metrics: " + missing));
    err.flush();
    try {
      stdout.write(text);
      stdout.flush();
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("metrics: cannot write to stdout: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
  }
}
