package dev.tended.supervisor.cli;

import dev.tended.logging.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The supervisor jar's command line: {@code supervise}, {@code health-diagnose}, {@code status},
 * {@code show}, {@code pause}, {@code resume}, {@code cancel}, {@code retry}, {@code prune}, {@code recover-ledger}, {@code reload}, {@code metrics}, {@code web}, each with {@code --help} and {@code --version}.
 */
@Command(name = "tended", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Supervisor and operator commands of tended.",
    subcommands = {SuperviseCommand.class, HealthDiagnoseCommand.class, StatusCommand.class, ShowCommand.class, PauseCommand.class,
        ResumeCommand.class, CancelCommand.class, RetryCommand.class,
        PruneCommand.class, RecoverLedgerCommand.class, ReloadCommand.class, MetricsCommand.class, WebCommand.class})
public final class Cli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: supervise, reload, health-diagnose, status, show, pause, resume, cancel, retry, prune, recover-ledger, metrics, web");
  }

  /** Runs {@code args} and returns the exit code. */
  public static int run(String[] args) {
    LogSetup.quiet("supervisor");
    CommandLine cl = new CommandLine(new Cli());
    // Usage errors exit 1 (picocli's default 2 would read as "unhealthy" to a monitoring system;
    // health-diagnose maps them to 3, unknown, in its own annotation).
    int code = cl.execute(args);
    LogSetup.shutdown();
    return code;
  }
}
