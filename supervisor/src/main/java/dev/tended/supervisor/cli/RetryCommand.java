package dev.tended.supervisor.cli;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.IdentityRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.LedgerAdmin;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tended retry --config FILE SOURCE ID}: puts a dead item back to pending with its attempts
 * reset, recorded in the ledger as an operator's transition. Safe while the worker runs (SQLite WAL,
 * one transaction).
 */
@Command(name = "retry", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Put a dead item back to pending (recorded in the ledger).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the item is pending again", "78:bad configuration",
        "1:no such dead item, unknown source, or the ledger cannot be written"})
final class RetryCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Parameters(index = "0", paramLabel = "SOURCE", description = "the source's name in the configuration")
  String source;
  @Parameters(index = "1", paramLabel = "ID", description = "the item's id")
  String id;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      TendedConfig cfg = config.loadOrReport(err);
      if (cfg == null) {
        return ExitCodes.CONFIG;
      }
      if (cfg.source(source).isEmpty()) {
        err.println("retry: no source \"" + source + "\" in " + cfg.configFile() + " (sources: "
            + String.join(", ", cfg.sources().stream().map(s -> s.name()).toList()) + ")");
        return ExitCodes.FAILURE;
      }
      if (!Files.isRegularFile(cfg.ledgerFile())) {
        err.println("retry: no ledger at " + cfg.ledgerFile());
        return ExitCodes.FAILURE;
      }
      SqliteLedgerStore store = SqliteLedgerStore.at(cfg.ledgerFile());
      try {
        boolean retried;
        try (LedgerAdmin admin = store.openAdmin(Clock.systemUTC())) {
          retried = admin.retryDead(source, id);
        }
        if (retried) {
          out.println("retry: " + source + "/" + id + " is pending again (attempts reset); the worker picks it up"
              + " at its next dispatch");
          return ExitCodes.OK;
        }
        List<ItemRecord> versions;
        List<IdentityRecord> pruned;
        try (LedgerView view = store.openView()) {
          versions = view.versions(source, id);
          pruned = view.identities(source, id);
        }
        err.println(versions.isEmpty() && !pruned.isEmpty()
            ? "retry: " + source + "/" + id + " was pruned by retention (" + pruned.get(pruned.size() - 1).outcome()
                .wireName() + ", finished " + pruned.get(pruned.size() - 1).finishedAt() + "): only its identity is"
                + " kept, its payload is gone; put it in the queue again with changed content to run it"
            : versions.isEmpty()
            ? "retry: no item " + source + "/" + id + " in the ledger"
            : "retry: " + source + "/" + id + " is not dead (it is "
                + versions.get(versions.size() - 1).state().wireName() + ")");
        return ExitCodes.FAILURE;
      } catch (RuntimeException e) {
        err.println("retry: ledger " + cfg.ledgerFile() + ": " + e.getMessage());
        return ExitCodes.FAILURE;
      }
    } finally {
      out.flush();
      err.flush();
    }
  }
}
