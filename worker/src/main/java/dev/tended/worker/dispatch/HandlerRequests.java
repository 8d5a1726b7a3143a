package dev.tended.worker.dispatch;

import dev.tended.config.HandlerConfig;
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
    String token = item.attemptToken() != null ? item.attemptToken() : UUID.randomUUID().toString();
    return forAttempt(source.name(), spec(source), item, folder, attempt, token);
  }

  /** What an attempt of {@code source} starts with now, recorded with its handler. */
  AttemptSpec spec(SourceConfig source) {
    return AttemptSpec.of(source, killGrace(source));
  }

  /**
   * The request of an attempt started with {@code spec}: a new one, or one an earlier worker started
   * and this one adopts, whatever the configuration says now (its source may even be gone).
   */
  HandlerRequest forAttempt(String source, AttemptSpec spec, ItemRecord item, WorkFolder folder, int attempt,
      String token) {
    HandlerConfig handler = spec.handler();
    return new HandlerRequest(
        handler.command(),
        Map.of("TENDED_SOURCE", source,
            "TENDED_ITEM_ID", item.id(),
            "TENDED_ATTEMPT", Integer.toString(attempt),
            "TENDED_IDEMPOTENCY_KEY", item.idempotencyKey(),
            "TENDED_WORK_DIR", folder.dir().toString(),
            PROGRESS_VARIABLE, folder.progress(attempt).toString()),
        config.dataDir(),
        folder.input(),
        folder.stdout(attempt),
        folder.stderr(attempt),
        handler.timeout(),
        handler.killGrace(),
        handler.maxOutputBytes(),
        token,
        folder.progress(attempt),
        handler.progressTimeout(),
        handler.limits());
  }

  /** The handler's kill grace, at most a quarter of {@code stopGrace} so that a stop can still kill in time. */
  private Duration killGrace(SourceConfig source) {
    Duration killGrace = source.handler().killGrace();
    Duration quarterStop = config.supervisor().stopGrace().dividedBy(4);
    return killGrace.compareTo(quarterStop) > 0 ? quarterStop : killGrace;
  }
}
