package dev.tended.supervisor.cli;

import dev.tended.control.ControlAction;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tended cancel --config FILE SOURCE ID}: a running item's handler tree is stopped (TERM, kill
 * grace, KILL) and the item ends dead, "cancelled by an operator"; a waiting one ends dead at once.
 * It answers once the end is recorded, and waits for that at least the kill grace and a few seconds
 * (on a shared ledger a heartbeat interval more: the node that runs the item may be another, which
 * reads the cancel when it next renews its leases).
 */
@Command(name = "cancel", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Stop a running or waiting item and end it dead (cancelled by an operator).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:cancelled (its processes are gone)", "1:refused (no such item, not running nor waiting),"
        + " unknown source, or a usage error",
        OperatorAsk.EXIT_ACCEPTED, OperatorAsk.EXIT_CONFIG})
final class CancelCommand extends OperatorAsk implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "the source's name in the configuration")
  String source;
  @Parameters(index = "1", paramLabel = "ID", description = "the item's id")
  String id;

  /** Beyond the kill grace: the worker's next look, the record of the end, this JVM's own start. */
  private static final Duration STOPPED_WITHIN = Duration.ofSeconds(5);

  @Override
  public Integer call() {
    // A running handler takes up to its kill grace to go: the answer is waited for at least that long;
    // on a shared ledger another node may run it, and reads the cancel at its next lease renewal.
    return withSource(source, cfg -> ask(cfg, request(ControlAction.CANCEL, source, id, false, null),
        cfg.source(source).orElseThrow().handler().killGrace().plus(STOPPED_WITHIN)
            .plus(cfg.ledger().shared() ? cfg.heartbeat().interval() : Duration.ZERO)));
  }
}
