package dev.tended.supervisor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemRecord;
import dev.tended.logging.Kv;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SourceFlow;
import dev.tended.ledger.SourcePause;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
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
 * as one object for scripts ({@link StatusJson}, documented in docs/json.md); {@code --source} and
 * {@code --state} filter both.
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
      err.println(parsed.problem());
      err.flush();
      return ExitCodes.FAILURE;
    }
    StatusFilter filter = parsed.filter();
    Instant now = Instant.now();
    Optional<WorkerStatus> heartbeat;
    try {
      heartbeat = Optional.of(StatusFiles.read(cfg.heartbeat().file()));
    } catch (Exception e) {
      heartbeat = Optional.empty();
    }
    if (!json) {
      heartbeat.ifPresentOrElse(s -> out.printf("worker: pid %d, %s, heartbeat %d, updated %s ago%n", s.pid(),
          Kv.visible(s.state()), s.sequence(), ago(s.updatedAt(), now)),
          () -> out.printf("worker: no readable status file at %s%n", cfg.heartbeat().file()));
    }
    if (!Files.isRegularFile(cfg.ledgerFile())) {
      err.println("no ledger at " + cfg.ledgerFile() + " (has the worker run with this configuration?)");
      out.flush();
      err.flush();
      return ExitCodes.FAILURE;
    }
    List<String> names = cfg.sources().stream().map(SourceConfig::name).filter(filter::keepsSource).toList();
    try (LedgerView ledger = SqliteLedgerStore.at(cfg.ledgerFile()).openView()) {
      Map<String, Map<ItemState, Long>> counts = ledger.countsBySource();
      long total = counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
      Map<String, SourcePause> pauses = ledger.pauses();
      Map<String, SourceFlow> flow = flow(ledger, heartbeat, now);
      List<ItemRecord> items = filter.newest(ledger, Math.max(0, recent), total);
      if (json) {
        Optional<WorkerStatus> hb = heartbeat;
        out.println(StatusFiles.mapper().writeValueAsString(new StatusJson(now,
            hb.map(s -> StatusJson.Heartbeat.of(s, now, cfg.supervisor().staleAfter())).orElse(null),
            names.stream().map(n -> StatusJson.Source.of(n, counts.getOrDefault(n, Map.of()),
                Optional.ofNullable(pauses.get(n)), hb.map(s -> s.sources().get(n)),
                flow.getOrDefault(n, SourceFlow.NONE), now)).toList(),
            items.stream().map(StatusJson.Item::of).toList())));
        out.flush();
        return ExitCodes.OK;
      }
      printText(out, names, counts, pauses, flow, heartbeat, items, filter, now);
      out.flush();
      return ExitCodes.OK;
    } catch (RuntimeException | JsonProcessingException e) {
      err.println("ledger " + cfg.ledgerFile() + " cannot be read: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
  }

  private static void printText(PrintWriter out, List<String> names, Map<String, Map<ItemState, Long>> counts,
      Map<String, SourcePause> pauses, Map<String, SourceFlow> flow, Optional<WorkerStatus> heartbeat,
      List<ItemRecord> items, StatusFilter filter, Instant now) {
    for (String n : names) {
      SourcePause p = pauses.get(n);
      if (p != null) {
        out.printf("paused: %s since %s by %s%s%n", n, p.since().truncatedTo(ChronoUnit.SECONDS),
            Kv.visible(p.askedBy()), p.drain() ? " (drain: running handlers finish)" : "");
      }
    }
    out.println();
    out.printf("%-20s %9s %9s %9s %9s %11s%n", "SOURCE", "PENDING", "RUNNING", "FAILED", "DEAD", "SUCCEEDED");
    for (String n : names) {
      Map<ItemState, Long> c = counts.getOrDefault(n, Map.of());
      out.printf("%-20s", n);
      for (ItemState st : COLUMNS) {
        out.printf(st == ItemState.SUCCEEDED ? " %11d" : " %9d", c.getOrDefault(st, 0L));
      }
      out.println();
    }
    out.println();
    FlowTable.print(out, names, flow, heartbeat, now);
    out.println();
    if (!filter.describe().isEmpty()) {
      out.printf("newest items of %s:%n", filter.describe());
    }
    out.printf("%-20s %-24s %-10s %4s %5s %9s  %-20s  %s%n", "SOURCE", "ID", "STATE", "TRY", "EXIT", "DURATION",
        "UPDATED", "LAST ERROR");
    for (ItemRecord r : items) {
      out.printf("%-20s %-24s %-10s %4d %5s %9s  %-20s  %s%n", r.source(), cut(Kv.visible(r.id()), 24),
          r.state().wireName(), r.attempts(), r.lastExitCode() == null ? "-" : r.lastExitCode(), duration(r),
          r.updatedAt() == null ? "-" : r.updatedAt().truncatedTo(ChronoUnit.SECONDS),
          r.lastError() == null ? "" : cut(Kv.visible(r.lastError().replaceAll("\\s+", " ")), 60));
    }
    if (items.isEmpty()) {
      out.println("(no items yet)");
    }
  }

  /** The ledger's flow figures; the heartbeat's when the ledger cannot give them (none without either). */
  private static Map<String, SourceFlow> flow(LedgerView ledger, Optional<WorkerStatus> heartbeat, Instant now) {
    try {
      return ledger.flowBySource(now);
    } catch (RuntimeException e) {
      return heartbeat.map(FlowTable::fromStatus).orElse(Map.of());
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
