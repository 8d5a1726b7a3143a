package dev.tended.supervisor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemRecord;
import dev.tended.logging.Kv;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SourcePause;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.LedgerStores;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.read.StatusFilter;
import dev.tended.supervisor.read.StatusJson;
import dev.tended.supervisor.read.StatusSnapshot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tended status --config FILE}: for a person at a terminal: the heartbeat in one line, queue
 * depths per source and state from the ledger, whether work flows ({@link FlowTable}), and the newest
 * items with outcome and duration. Text that items control (ids, errors) goes through
 * {@link Kv#visible}, so no id can act on the terminal or forge a row. {@code --json} prints the same
 * as one object for scripts ({@link StatusJson}, documented in docs/json.md; {@code GET /api/status}
 * serves the same); {@code --source} and {@code --state} filter both. Both are read as one
 * {@link StatusSnapshot}.
 */
@Command(name = "status", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Show queue depths per source and state, whether work flows, and the newest items.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "78:bad configuration",
        "1:no ledger or it cannot be read, or --source/--state names none that exists"})
final class StatusCommand implements Callable<Integer> {
  private static final List<ItemState> COLUMNS =
      List.of(ItemState.PENDING, ItemState.RUNNING, ItemState.FAILED, ItemState.DEAD, ItemState.SUCCEEDED);

  @Mixin ConfigOption config;
  @Option(names = {"-n", "--recent"}, defaultValue = "10", paramLabel = "N",
      description = "how many of the newest items to list (default ${DEFAULT-VALUE})")
  int recent;
  @Option(names = "--json", description = "print one JSON object (heartbeat, sources, items) instead of text")
  boolean json;
  @Option(names = "--source", paramLabel = "SOURCE", description = "show only this source and its items")
  String source;
  @Option(names = "--state", paramLabel = "STATE",
      description = "list only items in this state: pending, running, succeeded, failed or dead")
  String state;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TendedConfig cfg = config.loadOrReport(err);
    if (cfg == null) {
      return ExitCodes.CONFIG;
    }
    StatusFilter.Result parsed = StatusFilter.parse(cfg, source, state);
    if (parsed.filter() == null) {
      err.println("status: " + parsed.problem());
      err.flush();
      return ExitCodes.FAILURE;
    }
    StatusFilter filter = parsed.filter();
    Instant now = Instant.now();
    Optional<WorkerStatus> heartbeat = StatusSnapshot.heartbeat(cfg);
    if (!json) {
      heartbeat.ifPresentOrElse(s -> out.printf("worker: pid %d, %s, heartbeat %d, updated %s ago%n", s.pid(),
          Kv.visible(s.state()), s.sequence(), ago(s.updatedAt(), now)),
          () -> out.printf("worker: no readable status file at %s%n", cfg.heartbeat().file()));
      heartbeat.map(WorkerStatus::ledger).filter(r -> !r.reachable()).ifPresent(r -> out.printf(
          "ledger: the worker cannot reach the database since %s (%s): its handlers run on, nothing new is"
              + " recorded until it answers%n", r.since().truncatedTo(ChronoUnit.SECONDS), Kv.visible(r.error())));
    }
    LedgerStore store = LedgerStores.of(cfg);
    if (!store.present()) {
      err.println("no ledger at " + store.describe() + " (has the worker run with this configuration?)");
      out.flush();
      err.flush();
      return ExitCodes.FAILURE;
    }
    try (LedgerView ledger = store.openView()) {
      StatusSnapshot snapshot = StatusSnapshot.read(cfg, ledger, heartbeat, filter, recent, now);
      if (json) {
        out.println(StatusFiles.mapper().writeValueAsString(snapshot.json(cfg.supervisor().staleAfter())));
      } else {
        printText(out, snapshot, filter);
      }
      out.flush();
      return ExitCodes.OK;
    } catch (RuntimeException | JsonProcessingException e) {
      err.println("ledger " + store.describe() + " cannot be read: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
  }

  private static void printText(PrintWriter out, StatusSnapshot snapshot, StatusFilter filter) {
    List<String> names = snapshot.names();
    Map<String, SourcePause> pauses = snapshot.pauses();
    for (String n : names) {
      SourcePause p = pauses.get(n);
      if (p != null) {
        out.printf("paused: %s since %s by %s%s%n", n, p.since().truncatedTo(ChronoUnit.SECONDS),
            Kv.visible(p.askedBy()), p.drain() ? " (drain: running handlers finish)" : "");
      }
    }
    for (StatusJson.Node n : snapshot.nodes()) {
      out.printf("node: %s %s %.0fs%s, runs %d (pid %d, %s)%n", n.node(), n.alive() ? "beat" : "SILENT for",
          n.silentSeconds(), n.alive() ? " ago" : "", n.running(), n.pid(), n.version());
    }
    for (String n : names) {
      StatusJson.Poller p = snapshot.pollers().get(n);
      if (p != null) {
        out.println(p.node() == null ? "polled: " + n + " by no node now (another takes it within supervisor.staleAfter)"
            : "polled: " + n + " by " + p.node() + (p.since() == null ? ""
                : " since " + p.since().truncatedTo(ChronoUnit.SECONDS)));
      }
    }
    out.println();
    out.printf("%-20s %9s %9s %9s %9s %11s%n", "SOURCE", "PENDING", "RUNNING", "FAILED", "DEAD", "SUCCEEDED");
    for (String n : names) {
      Map<ItemState, Long> c = snapshot.counts().getOrDefault(n, Map.of());
      out.printf("%-20s", n);
      for (ItemState st : COLUMNS) {
        out.printf(st == ItemState.SUCCEEDED ? " %11d" : " %9d", c.getOrDefault(st, 0L));
      }
      out.println();
    }
    out.println();
    FlowTable.print(out, names, snapshot.flow(), snapshot.heartbeat(), snapshot.at());
    out.println();
    if (!filter.describe().isEmpty()) {
      out.printf("newest items of %s:%n", filter.describe());
    }
    out.printf("%-20s %-24s %-10s %4s %5s %9s  %-20s  %s%n", "SOURCE", "ID", "STATE", "TRY", "EXIT", "DURATION",
        "UPDATED", "LAST ERROR");
    for (ItemRecord r : snapshot.items()) {
      out.printf("%-20s %-24s %-10s %4d %5s %9s  %-20s  %s%n", r.source(), cut(Kv.visible(r.id()), 24),
          r.state().wireName(), r.attempts(), r.lastExitCode() == null ? "-" : r.lastExitCode(), duration(r),
          r.updatedAt() == null ? "-" : r.updatedAt().truncatedTo(ChronoUnit.SECONDS),
          r.lastError() == null ? "" : cut(Kv.visible(r.lastError().replaceAll("\\s+", " ")), 60));
    }
    if (snapshot.items().isEmpty()) {
      out.println("(no items yet)");
    }
  }

  private static String duration(ItemRecord r) {
    if (r.lastStartedAt() == null || r.lastFinishedAt() == null || r.lastFinishedAt().isBefore(r.lastStartedAt())) {
      return r.state() == ItemState.RUNNING && r.lastStartedAt() != null
          ? "(" + Duration.between(r.lastStartedAt(), Instant.now()).toSeconds() + "s)" : "-";
    }
    long ms = Duration.between(r.lastStartedAt(), r.lastFinishedAt()).toMillis();
    return ms < 10_000 ? ms + "ms" : (ms / 1000) + "s";
  }

  private static String ago(Instant t, Instant now) {
    return t == null ? "never" : String.format("%.1fs", Math.max(0, Duration.between(t, now).toMillis()) / 1000.0);
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
