package dev.tended.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.config.TendedConfig;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.logging.Kv;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tended show --config FILE SOURCE ID [--json]}: everything the ledger knows of one id, for a
 * person asking why an item took three tries or is dead: every version with its state, attempts and
 * interruptions, each attempt with its ending, exit code, times and detail, the running handler's
 * processes, the end of each attempt's output ({@link AttemptOutput}), the parsed result file, and
 * where its result file and work folder are. Read-only through {@link LedgerView}, so
 * it works with read access only and never waits for the worker. Text that items control goes
 * through {@link Kv#visible}.
 */
@Command(name = "show", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Show every version of one item with each attempt and how it ended.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "78:bad configuration", "1:no such item, or no ledger or it cannot be read"})
final class ShowCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Parameters(index = "0", paramLabel = "SOURCE", description = "the source's name")
  String source;
  @Parameters(index = "1", paramLabel = "ID", description = "the item's id")
  String id;
  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;
  @Spec CommandSpec spec;

  /**
   * The item as {@code --json} prints it (an interface: docs/json.md); {@code pruned} are the versions
   * retention pruned to their identity; {@code result} the result file parsed, null when there is none
   * or it does not parse; {@code paused} whether the ledger holds an operator's pause of the source.
   */
  record Shown(String source, String id, String resultFile, boolean resultFileExists, List<Version> versions,
      List<Pruned> pruned, JsonNode result, boolean paused) {}

  /** A version retention pruned: its identity record, all the ledger keeps of it. */
  record Pruned(String contentHash, String outcome, Instant finishedAt, Instant prunedAt) {}

  /** One version of the item. */
  record Version(long seq, String contentHash, String state, int attempts, int interruptions, Instant firstSeenAt,
      Instant updatedAt, Instant nextAttemptAt, String lastError, String workFolder, Handler handler,
      List<Attempt> attemptList) {}

  /**
   * One attempt; {@code ending} and {@code finishedAt} are null while it runs. The tails are the end of
   * its output files, null when absent, and for an attempt that did not count (interrupted, handed
   * back), whose files the next attempt of the same number has since replaced.
   */
  record Attempt(int attempt, String ending, Integer exitCode, Instant startedAt, Instant finishedAt, Long durationMs,
      String detail, String stdoutTail, String stderrTail) {}

  /** The processes of a running attempt as the worker recorded them. */
  record Handler(long handlerPid, long waiterPid, String bootId, Instant startedAt) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TendedConfig cfg = config.loadOrReport(err);
    if (cfg == null) {
      return ExitCodes.CONFIG;
    }
    if (!Files.isRegularFile(cfg.ledgerFile())) {
      err.println("show: no ledger at " + cfg.ledgerFile() + " (has the worker run with this configuration?)");
      err.flush();
      return ExitCodes.FAILURE;
    }
    Shown shown;
    try (LedgerView ledger = SqliteLedgerStore.at(cfg.ledgerFile()).openView()) {
      shown = read(cfg, ledger);
    } catch (RuntimeException e) {
      err.println("show: ledger " + cfg.ledgerFile() + " cannot be read: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    if (shown.versions().isEmpty() && shown.pruned().isEmpty()) {
      err.println("show: no item " + Kv.q(id) + " of source " + Kv.q(source) + " in the ledger"
          + (cfg.source(source).isEmpty() ? " (and no source of that name in " + cfg.configFile() + ")" : ""));
      err.flush();
      return ExitCodes.FAILURE;
    }
    if (json) {
      out.println(StatusFiles.mapper().writeValueAsString(shown));
    } else {
      print(shown, out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private Shown read(TendedConfig cfg, LedgerView ledger) {
    List<ItemRecord> versions = ledger.versions(source, id);
    Map<Long, HandlerRecord> handlers = versions.stream().anyMatch(v -> v.state() == ItemState.RUNNING)
        ? ledger.running().stream().filter(r -> r.handler().isPresent())
            .collect(Collectors.toMap(r -> r.item().seq(), r -> r.handler().get()))
        : Map.of();
    Path result = ItemResult.fileIn(cfg.resultsDir(), source, id);
    boolean resultExists = Files.isRegularFile(result, LinkOption.NOFOLLOW_LINKS);
    return new Shown(source, id, result.toString(), resultExists,
        versions.stream().map(v -> {
          Path folder = WorkFolders.of(cfg.workDir(), source, id, v.contentHash());
          return new Version(v.seq(), v.contentHash(), v.state().wireName(), v.attempts(),
              v.interruptions(), v.firstSeenAt(), v.updatedAt(), v.nextAttemptAt(), v.lastError(), folder.toString(),
              Optional.ofNullable(handlers.get(v.seq())).map(h -> new Handler(h.handlerPid(), h.waiterPid(),
                  h.bootId(), h.startedAt())).orElse(null),
              attempts(ledger.attempts(v.seq()), folder));
        }).toList(),
        ledger.identities(source, id).stream().map(r -> new Pruned(r.contentHash(), r.outcome().wireName(),
            r.finishedAt(), r.prunedAt())).toList(),
        resultExists ? parsed(result) : null, ledger.pauses().containsKey(source));
  }

  /** Each attempt with its output tails; only the last attempt of a number owns that number's files. */
  private static List<Attempt> attempts(List<AttemptRecord> records, Path folder) {
    List<Attempt> out = new java.util.ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      AttemptRecord a = records.get(i);
      boolean ownsFiles = i == records.size() - 1 || records.get(i + 1).attempt() != a.attempt();
      out.add(new Attempt(a.attempt(), a.ending() == null ? null : a.ending().wireName(), a.exitCode(),
          a.startedAt(), a.finishedAt(),
          a.finishedAt() == null ? null : Duration.between(a.startedAt(), a.finishedAt()).toMillis(), a.detail(),
          ownsFiles ? AttemptOutput.tail(AttemptOutput.stdout(folder, a.attempt())) : null,
          ownsFiles ? AttemptOutput.tail(AttemptOutput.stderr(folder, a.attempt())) : null));
    }
    return out;
  }

  /** The result file as a JSON tree, or null when it cannot be read as JSON. */
  private static JsonNode parsed(Path result) {
    try {
      return StatusFiles.mapper().readTree(Files.readAllBytes(result));
    } catch (IOException e) {
      return null;
    }
  }

  private static void print(Shown s, PrintWriter out) {
    out.printf("%s / %s: %d version(s)%s%n", Kv.visible(s.source()), Kv.visible(s.id()), s.versions().size(),
        s.pruned().isEmpty() ? "" : ", " + s.pruned().size() + " pruned");
    for (Pruned p : s.pruned()) {
      out.println();
      out.printf("pruned version (content %s): %s, finished %s, pruned %s; only its identity is kept, so identical"
          + " content is not run again%n", cut(Kv.visible(p.contentHash()), 16), p.outcome(), at(p.finishedAt()),
          at(p.prunedAt()));
    }
    for (Version v : s.versions()) {
      out.println();
      out.printf("version seq %d (content %s): %s, %d attempt(s) counted, %d interruption(s)%n", v.seq(),
          cut(Kv.visible(v.contentHash()), 16), v.state(), v.attempts(), v.interruptions());
      out.printf("  first seen %s, updated %s%n", at(v.firstSeenAt()), at(v.updatedAt()));
      if (v.lastError() != null) {
        out.printf("  last error: %s%n", Kv.visible(v.lastError().replaceAll("\\s+", " ")));
      }
      if (v.handler() != null) {
        out.printf("  handler: pid %d under waiter pid %d, started %s%n", v.handler().handlerPid(),
            v.handler().waiterPid(), at(v.handler().startedAt()));
      }
      out.printf("  work folder: %s%n", Kv.visible(v.workFolder()));
      out.printf("  %-4s %-15s %5s  %-20s  %-20s %9s  %s%n", "TRY", "ENDING", "EXIT", "STARTED", "FINISHED", "DURATION",
          "DETAIL");
      for (Attempt a : v.attemptList()) {
        out.printf("  %-4d %-15s %5s  %-20s  %-20s %9s  %s%n", a.attempt(), a.ending() == null ? "(running)" : a.ending(),
            a.exitCode() == null ? "-" : a.exitCode(), at(a.startedAt()), at(a.finishedAt()),
            a.durationMs() == null ? "-" : a.durationMs() < 10_000 ? a.durationMs() + "ms" : a.durationMs() / 1000 + "s",
            a.detail() == null ? "" : Kv.visible(a.detail().replaceAll("\\s+", " ")));
      }
      if (v.attemptList().isEmpty()) {
        out.println("  (not run yet)");
      }
      for (Attempt a : v.attemptList()) {
        printTail(out, a.attempt(), "stdout", a.stdoutTail());
        printTail(out, a.attempt(), "stderr", a.stderrTail());
      }
    }
    out.println();
    out.printf("result file: %s%s%n", Kv.visible(s.resultFile()), s.resultFileExists() ? "" : " (none yet)");
  }

  /** The tail line by line, each through {@link Kv#visible}; nothing for an empty or absent one. */
  private static void printTail(PrintWriter out, int attempt, String stream, String tail) {
    if (tail == null || tail.isEmpty()) {
      return;
    }
    out.printf("  attempt %d %s (last %d KiB at most):%n", attempt, stream, AttemptOutput.TAIL_BYTES / 1024);
    String text = tail.endsWith("\n") ? tail.substring(0, tail.length() - 1) : tail;
    for (String line : text.split("\n", -1)) {
      out.println("    | " + Kv.visible(line));
    }
  }

  private static String at(Instant t) {
    return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n) + "…";
  }
}
