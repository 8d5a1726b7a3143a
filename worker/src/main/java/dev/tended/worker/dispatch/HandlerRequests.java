package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemRecord;
import dev.tended.worker.handler.HandlerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Turns one attempt of a claimed item into the request its handler runs with, by the handler
 * protocol: the item's JSON on stdin, the {@code TENDED_*} environment, the data folder as working
 * directory, output and the progress file kept in the version's work folder, and a kill grace that fits the stop budget.
 *
 * <p>Thread-safe: immutable.
 */
final class HandlerRequests {
  /** The variable naming the file a handler touches to show progress ({@link WorkFolder#progress}). */
  static final String PROGRESS_VARIABLE = "TENDED_PROGRESS_FILE";

  private final TendedConfig config;

  HandlerRequests(TendedConfig config) {
    this.config = config;
  }

  /** The attempt's request; throws {@link IllegalArgumentException} when the item cannot be passed to a handler. */
  HandlerRequest forAttempt(SourceConfig source, ItemRecord item, WorkFolder folder, int attempt) {
    return new HandlerRequest(
        source.handler().command(),
        Map.of("TENDED_SOURCE", source.name(),
            "TENDED_ITEM_ID", item.id(),
            "TENDED_ATTEMPT", Integer.toString(attempt),
            "TENDED_IDEMPOTENCY_KEY", item.idempotencyKey(),
            "TENDED_WORK_DIR", folder.dir().toString(),
            PROGRESS_VARIABLE, folder.progress(attempt).toString()),
        config.dataDir(),
        folder.input(),
        folder.stdout(attempt),
        folder.stderr(attempt),
        source.handler().timeout(),
        killGrace(source),
        source.handler().maxOutputBytes(),
        item.attemptToken() != null ? item.attemptToken() : UUID.randomUUID().toString(), // issue 12: the claim sets it
        folder.progress(attempt),
        source.handler().progressTimeout(),
        source.handler().limits());
  }

  /** The handler's kill grace, at most a quarter of {@code stopGrace} so that a stop can still kill in time. */
  private Duration killGrace(SourceConfig source) {
    Duration killGrace = source.handler().killGrace();
    Duration quarterStop = config.supervisor().stopGrace().dividedBy(4);
    return killGrace.compareTo(quarterStop) > 0 ? quarterStop : killGrace;
  }
}
