package dev.tended.supervisor.cli;

import dev.tended.control.ControlAction;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tended resume --config FILE SOURCE}: ends a pause; the source's items start again. */
@Command(name = "resume", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Start a paused source's items again.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:resumed (or it was not paused)", "1:unknown source, the request cannot be left, or a usage error",
        OperatorAsk.EXIT_ACCEPTED, OperatorAsk.EXIT_CONFIG})
final class ResumeCommand extends OperatorAsk implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "the source's name in the configuration")
  String source;

  @Override
  public Integer call() {
    return withSource(source, cfg -> ask(cfg, request(ControlAction.RESUME, source, null, false, null)));
  }
}
