package dev.tended.supervisor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tended.config.Durations;
import dev.tended.config.TendedConfig;
import dev.tended.control.ControlAction;
import dev.tended.ledger.DeadSelection;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.RetryCheck;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.LedgerStores;
import dev.tended.status.StatusFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tended retry --config FILE SOURCE ID} puts one dead item back to pending with its attempts
 * reset; {@code tended retry --config FILE SOURCE --all-dead [--since D] [--exit-code N]} every dead
 * item of the source that matches, in one transaction of the worker's. {@code --dry-run} lists what
 * that selection takes, read-only, and asks nothing. Like every operator's request, it is applied by
 * the worker (now, or when it next starts); the command never writes the ledger.
 */
@Command(name = "retry", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Put a dead item, or every dead item of a source that matches, back to pending.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:pending again (or, with --dry-run, listed)", "1:refused (no such dead item), unknown source,"
        + " the request cannot be left, or a usage error",
        OperatorAsk.EXIT_ACCEPTED, OperatorAsk.EXIT_CONFIG})
final class RetryCommand extends OperatorAsk implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "the source's name in the configuration")
  String source;
  @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "the item's id (or --all-dead)")
  String id;
  @Option(names = "--all-dead", description = "every dead item of the source (see --since, --exit-code)")
  boolean allDead;
  @Option(names = "--since", paramLabel = "DURATION",
      description = "with --all-dead: only items that went dead within this long (e.g. 1h, 30m)")
  String since;
  @Option(names = "--exit-code", paramLabel = "N", description = "with --all-dead: only items whose last attempt exited N")
  Integer exitCode;
  @Option(names = "--dry-run", description = "with --all-dead: list the items it would retry; ask nothing")
  boolean dryRun;
  @Option(names = "--json", description = "with --dry-run: print the list as JSON")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if ((id == null) == !allDead) {
      err.println("retry: name one item (SOURCE ID) or --all-dead (SOURCE --all-dead), not both");
      return ExitCodes.FAILURE;
    }
    if (!allDead && (since != null || exitCode != null || dryRun || json)) {
      err.println("retry: --since, --exit-code, --dry-run and --json go with --all-dead");
      return ExitCodes.FAILURE;
    }
    if (json && !dryRun) {
      err.println("retry: --json goes with --dry-run (the answer is one line)");
      return ExitCodes.FAILURE;
    }
    Duration within = since == null ? null : Durations.parse(since).orElse(null);
    if (since != null && within == null) {
      err.println("retry: --since " + since + " is not a duration (e.g. 1h, 30m, 2d)");
      return ExitCodes.FAILURE;
    }
    return withSource(source, cfg -> {
      if (!allDead) {
        String notDead = notDead(cfg);
        if (notDead != null) {
          err.println("retry: " + source + "/" + id + " " + notDead);
          return ExitCodes.FAILURE;
        }
        return ask(cfg, request(ControlAction.RETRY, source, id, false, null));
      }
      DeadSelection selection = new DeadSelection(source, within == null ? null : Instant.now().minus(within), exitCode);
      return dryRun ? list(cfg, selection) : ask(cfg, request(ControlAction.RETRY_DEAD, source, null, false, selection));
    });
  }

  /**
   * Why the item cannot be retried ({@link RetryCheck}), read-only from the ledger before asking, so
   * that a mistyped id fails at once, also while no worker runs; null when it is dead or there is no
   * ledger yet to tell. The worker checks again when it applies the request.
   */
  private String notDead(TendedConfig cfg) {
    try (LedgerView view = LedgerStores.of(cfg).openView()) {
      return RetryCheck.whyNot(view, source, id).orElse(null);
    } catch (RuntimeException e) {
      return null; // the worker, which can read its ledger, answers
    }
  }

  /** The dead items {@code selection} takes, read from the ledger (read-only), one a line or as JSON. */
  private int list(TendedConfig cfg, DeadSelection selection) {
    PrintWriter out = spec.commandLine().getOut();
    LedgerStore store = LedgerStores.of(cfg);
    if (!store.present()) {
      spec.commandLine().getErr().println("retry: no ledger at " + store.describe());
      return ExitCodes.FAILURE;
    }
    List<ItemRecord> dead;
    try (LedgerView view = store.openView()) {
      dead = view.dead(selection);
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("retry: ledger " + store.describe() + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    if (json) {
      ArrayNode items = StatusFiles.mapper().createArrayNode();
      for (ItemRecord i : dead) {
        items.addObject().put("source", i.source()).put("id", i.id()).put("seq", i.seq())
            .put("deadSince", i.updatedAt().toString()).put("attempts", i.attempts())
            .put("lastExitCode", i.lastExitCode()).put("lastError", i.lastError());
      }
      out.println(items.toPrettyString());
      return ExitCodes.OK;
    }
    out.println("retry: --dry-run: " + dead.size() + " dead item(s) of " + source + " would be pending again:");
    for (ItemRecord i : dead) {
      out.println("  " + i.id() + "  seq=" + i.seq() + "  dead since " + i.updatedAt() + "  last exit "
          + (i.lastExitCode() == null ? "-" : i.lastExitCode()) + "  " + (i.lastError() == null ? "" : i.lastError()));
    }
    return ExitCodes.OK;
  }
}
