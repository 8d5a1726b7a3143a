package dev.tended.supervisor.cli;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.LedgerStores;
import dev.tended.logging.Kv;
import dev.tended.status.StatusFiles;
import dev.tended.supervisor.read.AttemptOutput;
import dev.tended.supervisor.read.ShowRead;
import dev.tended.supervisor.read.Shown;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
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
 * where its result file and work folder are, all read by {@link ShowRead} ({@code --json} prints its
 * {@link Shown}, as {@code GET /api/item} serves it). Read-only through {@link LedgerView}, so
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

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TendedConfig cfg = config.loadOrReport(err);
    if (cfg == null) {
      return ExitCodes.CONFIG;
    }
    LedgerStore store = LedgerStores.of(cfg);
    if (!store.present()) {
      err.println("show: no ledger at " + store.describe() + " (has the worker run with this configuration?)");
      err.flush();
      return ExitCodes.FAILURE;
    }
    Optional<Shown> found;
    try (LedgerView ledger = store.openView()) {
      found = ShowRead.of(cfg, ledger, source, id);
    } catch (RuntimeException e) {
      err.println("show: ledger " + store.describe() + " cannot be read: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    if (found.isEmpty()) {
      err.println("show: " + ShowRead.notFound(cfg, source, id));
      err.flush();
      return ExitCodes.FAILURE;
    }
    Shown shown = found.get();
    if (json) {
      out.println(StatusFiles.mapper().writeValueAsString(shown));
    } else {
      print(shown, out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void print(Shown s, PrintWriter out) {
    out.printf("%s / %s: %d version(s)%s%n", Kv.visible(s.source()), Kv.visible(s.id()), s.versions().size(),
        s.pruned().isEmpty() ? "" : ", " + s.pruned().size() + " pruned");
    for (Shown.Pruned p : s.pruned()) {
      out.println();
      out.printf("pruned version (content %s): %s, finished %s, pruned %s; only its identity is kept, so identical"
          + " content is not run again%n", cut(Kv.visible(p.contentHash()), 16), p.outcome(), at(p.finishedAt()),
          at(p.prunedAt()));
    }
    for (Shown.Version v : s.versions()) {
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
      for (Shown.Attempt a : v.attemptList()) {
        out.printf("  %-4d %-15s %5s  %-20s  %-20s %9s  %s%n", a.attempt(), a.ending() == null ? "(running)" : a.ending(),
            a.exitCode() == null ? "-" : a.exitCode(), at(a.startedAt()), at(a.finishedAt()),
            a.durationMs() == null ? "-" : a.durationMs() < 10_000 ? a.durationMs() + "ms" : a.durationMs() / 1000 + "s",
            a.detail() == null ? "" : Kv.visible(a.detail().replaceAll("\\s+", " ")));
      }
      if (v.attemptList().isEmpty()) {
        out.println("  (not run yet)");
      }
      for (Shown.Attempt a : v.attemptList()) {
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
