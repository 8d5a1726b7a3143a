package dev.tended.supervisor.cli;

import dev.tended.control.ControlAction;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tended pause --config FILE SOURCE [--drain]}: nothing new of the source starts, durably (the
 * ledger keeps the pause across restarts), while it is still polled and its items recorded; its
 * running handlers are handed back, or with {@code --drain} finish.
 */
@Command(name = "pause", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Start nothing new from a source (kept across restarts) until `tended resume`.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:paused", "1:unknown source, the request cannot be left, or a usage error",
        OperatorAsk.EXIT_ACCEPTED, OperatorAsk.EXIT_CONFIG})
final class PauseCommand extends OperatorAsk implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "the source's name in the configuration")
  String source;
  @Option(names = "--drain", description = "let running handlers finish (without it they are stopped and their"
      + " items handed back, no attempt counted)")
  boolean drain;

  @Override
  public Integer call() {
    return withSource(source, cfg -> ask(cfg, request(ControlAction.PAUSE, source, null, drain, null)));
  }
}
