package dev.tended.supervisor.cli;

import dev.tended.status.StatusFiles;
import dev.tended.supervisor.diagnose.HealthDiagnosis;
import dev.tended.supervisor.diagnose.HealthReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tended health-diagnose --config FILE [--json]}: one line per check with ✓ or ✗ and the figure
 * behind it, then the verdict; exit codes follow monitoring-plugin conventions.
 */
@Command(name = "health-diagnose", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 3,
    exitCodeOnExecutionException = 3, versionProvider = VersionProvider.class,
    description = {"Check the worker, its queues, ledger, disk and supervisor; print a verdict.",
        "Works whether or not the supervisor runs. \"Fresh\" means the status file's updatedAt is within "
            + "staleAfter of now by the wall clock: the best a one-shot command can do (the supervisor itself "
            + "measures staleness on its monotonic clock)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:healthy",
        "1:degraded (queue file fault, dead items, open breaker, work stuck, long handlers, recent restarts...)",
        "2:unhealthy (stale heartbeat, worker not running, crash-looping, ledger damaged)",
        "3:unknown (no readable configuration or data folder)"})
final class HealthDiagnoseCommand implements Callable<Integer> {
  static final int UNKNOWN = 3;

  @Mixin ConfigOption config;
  @Option(names = "--json", description = "print one JSON object: verdict, exitCode and every check")
  boolean json;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    HealthReport report = new HealthDiagnosis(Clock.systemUTC()).run(config.file);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(StatusFiles.mapper().writeValueAsString(report.toJson()));
    } else {
      out.print(report.toText());
    }
    out.flush();
    return report.verdict().exitCode();
  }
}
