package dev.tended.supervisor.read;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.config.TendedConfig;
import dev.tended.io.WorkFolders;
import dev.tended.ledger.AttemptRecord;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.logging.Kv;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads one item into a {@link Shown} for {@code tended show} and {@code GET /api/item}: the one place
 * that model is built, so the command and the dashboard say the same of an item. Read-only: takes a
 * {@link LedgerView}, and reads output tails and the result file without following links. Stateless.
 */
public final class ShowRead {
  private ShowRead() {}

  /** The item, or empty when the ledger holds no version of it (not even a pruned one). */
  public static Optional<Shown> of(TendedConfig cfg, LedgerView ledger, String source, String id) {
    List<ItemRecord> versions = ledger.versions(source, id);
    Map<Long, HandlerRecord> handlers = versions.stream().anyMatch(v -> v.state() == ItemState.RUNNING)
        ? ledger.running().stream().filter(r -> r.handler().isPresent())
            .collect(Collectors.toMap(r -> r.item().seq(), r -> r.handler().get()))
        : Map.of();
    Path result = ItemResult.fileIn(cfg.resultsDir(), source, id);
    boolean resultExists = Files.isRegularFile(result, LinkOption.NOFOLLOW_LINKS);
    Shown shown = new Shown(source, id, result.toString(), resultExists,
        versions.stream().map(v -> {
          Path folder = WorkFolders.of(cfg.workDir(), source, id, v.contentHash());
          return new Shown.Version(v.seq(), v.contentHash(), v.state().wireName(), v.attempts(),
              v.interruptions(), v.firstSeenAt(), v.updatedAt(), v.nextAttemptAt(), v.lastError(), folder.toString(),
              Optional.ofNullable(handlers.get(v.seq())).map(h -> new Shown.Handler(h.handlerPid(), h.waiterPid(),
                  h.bootId(), h.startedAt())).orElse(null),
              attempts(ledger.attempts(v.seq()), folder));
        }).toList(),
        ledger.identities(source, id).stream().map(r -> new Shown.Pruned(r.contentHash(), r.outcome().wireName(),
            r.finishedAt(), r.prunedAt())).toList(),
        resultExists ? parsed(result) : null, ledger.pauses().containsKey(source));
    return shown.versions().isEmpty() && shown.pruned().isEmpty() ? Optional.empty() : Optional.of(shown);
  }

  /** Why there is nothing to show, e.g. {@code no item "x" of source "ideas" in the ledger}. */
  public static String notFound(TendedConfig cfg, String source, String id) {
    return "no item " + Kv.q(id) + " of source " + Kv.q(source) + " in the ledger"
        + (cfg.source(source).isEmpty() ? " (and no source of that name in " + cfg.configFile() + ")" : "");
  }

  /** Each attempt with its output tails; only the last attempt of a number owns that number's files. */
  private static List<Shown.Attempt> attempts(List<AttemptRecord> records, Path folder) {
    List<Shown.Attempt> out = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      AttemptRecord a = records.get(i);
      boolean ownsFiles = i == records.size() - 1 || records.get(i + 1).attempt() != a.attempt();
      out.add(new Shown.Attempt(a.attempt(), a.ending() == null ? null : a.ending().wireName(), a.exitCode(),
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
}
