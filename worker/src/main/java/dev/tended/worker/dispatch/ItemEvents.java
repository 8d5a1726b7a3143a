package dev.tended.worker.dispatch;

import dev.tended.ledger.ItemRecord;
import dev.tended.logging.Kv;
import dev.tended.worker.handler.HandlerResult;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that logs what happens to an item on its way through the dispatcher: started, its
 * outcome, handed back, crashed, and the troubles of recording the outcome. Every event names the
 * source, the id (quoted) and the attempt; {@code item_failed} and {@code item_dead} also carry the
 * handler's last stderr line, which usually says why ({@code stderr_tail="idea idea-4 has no title"}).
 *
 * <p>Thread-safe: stateless; called from the handler threads.
 */
final class ItemEvents {
  /** The most of the last stderr line that goes into an event. */
  static final int STDERR_TAIL_MAX = 200;
  private static final Logger log = LoggerFactory.getLogger(ItemEvents.class);

  private ItemEvents() {}

  static void started(ItemRecord item, int attempt) {
    log.info("item_started source={} id={} attempt={} seq={}", item.source(), Kv.q(item.id()), attempt, item.seq());
  }

  /** The recorded outcome of an attempt: succeeded, failed (retried after {@code retryIn}; zero otherwise) or dead. */
  static void concluded(ItemRecord item, int attempt, HandlerResult result, Verdict verdict, Duration retryIn) {
    long ms = result.duration().toMillis();
    switch (verdict.state()) {
      case SUCCEEDED -> log.info("item_succeeded source={} id={} attempt={} duration_ms={}", item.source(),
          Kv.q(item.id()), attempt, ms);
      case FAILED -> failed(item, attempt, ms, verdict.detail(), result.stderrTail(), retryIn.toMillis());
      default -> dead(item, attempt, ms, verdict.detail(), result.stderrTail());
    }
  }

  private static void failed(ItemRecord item, int attempt, long durationMs, String reason, String stderr, long retryInMs) {
    log.warn("item_failed source={} id={} attempt={} duration_ms={} reason={} stderr_tail={} retry_in_ms={}",
        item.source(), Kv.q(item.id()), attempt, durationMs, Kv.q(reason), Kv.q(lastLine(stderr)), retryInMs);
  }

  static void dead(ItemRecord item, int attempt, long durationMs, String reason, String stderr) {
    log.error("item_dead source={} id={} attempt={} duration_ms={} reason={} stderr_tail={}",
        item.source(), Kv.q(item.id()), attempt, durationMs, Kv.q(reason), Kv.q(lastLine(stderr)));
  }

  /** The handler died with its worker; the item runs again (its {@code interruptions}-th of {@code max}). */
  static void interrupted(ItemRecord item, int attempt, int interruptions, int max, String reason) {
    log.warn("item_interrupted source={} id={} attempt={} interruptions={} max_interruptions={} reason={}",
        item.source(), Kv.q(item.id()), attempt, interruptions, max, Kv.q(reason));
  }

  /** The worker let go of the item's running handler for the next worker to adopt. */
  static void detached(ItemRecord item, int attempt) {
    log.info("item_detached source={} id={} attempt={} seq={}", item.source(), Kv.q(item.id()), attempt, item.seq());
  }

  static void handedBack(ItemRecord item, int attempt, String reason) {
    log.info("item_handed_back source={} id={} attempt={} reason={}", item.source(), Kv.q(item.id()), attempt, reason);
  }

  /** The handler started but its processes could not be recorded: a worker that dies now leaves it to be found by its marker. */
  static void handlerNotRecorded(ItemRecord item, int attempt, RuntimeException e) {
    log.warn("handler_not_recorded source={} id={} attempt={} error={}", item.source(), Kv.q(item.id()), attempt,
        Kv.q(e.toString()));
  }

  static void crashed(ItemRecord item, int attempt, Throwable e) {
    log.error("attempt_crashed source={} id={} attempt={} error={}", item.source(), Kv.q(item.id()), attempt,
        Kv.q(e.toString()), e);
  }

  static void recordFailed(ItemRecord item, boolean diskFull, String why, long retryInMs) {
    log.error("item_record_failed source={} id={} attempt={} disk_full={} error={} retry_in_ms={}",
        item.source(), Kv.q(item.id()), item.attempts(), diskFull, Kv.q(why), retryInMs);
  }

  static void resultNotWritten(ItemRecord item, String why) {
    log.error("item_result_not_written source={} id={} error={}", item.source(), Kv.q(item.id()), Kv.q(why));
  }

  static void recordAbandoned(ItemRecord item, String why) {
    log.error("item_record_abandoned source={} id={} attempt={} reason={}", item.source(), Kv.q(item.id()),
        item.attempts(), Kv.q(why + ": the ledger was changed behind the worker; its outcome is not recorded there"));
  }

  /** The last non-blank line of {@code text}, stripped and cut to {@link #STDERR_TAIL_MAX} characters; "" if none. */
  static String lastLine(String text) {
    String all = text.strip();
    String line = all.substring(Math.max(all.lastIndexOf('\n'), all.lastIndexOf('\r')) + 1).strip();
    return line.length() > STDERR_TAIL_MAX ? line.substring(0, STDERR_TAIL_MAX) + "…" : line;
  }
}
