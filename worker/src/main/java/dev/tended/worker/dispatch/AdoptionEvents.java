package dev.tended.worker.dispatch;

import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.logging.Kv;
import dev.tended.worker.handler.HandlerResult;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of a starting worker's look at what its predecessor left running, one per item and
 * kind, then the summary: what an operator greps for after a crash, a stall restart or a reload.
 *
 * <p>Thread-safe: stateless.
 */
final class AdoptionEvents {
  private static final Logger log = LoggerFactory.getLogger(AdoptionEvents.class);

  private AdoptionEvents() {}

  static void adopted(ItemRecord item, HandlerRecord h) {
    log.info("item_adopted source={} id={} attempt={} seq={} handler_pid={} running_ms={}", item.source(),
        Kv.q(item.id()), h.attempt(), item.seq(), h.handlerPid(), ageMs(h.startedAt()));
  }

  /** {@code result} is null while its end is still being read. */
  static void collected(ItemRecord item, HandlerRecord h, HandlerResult result) {
    log.info("item_collected source={} id={} attempt={} seq={} handler_pid={} ending={} exit_code={} duration_ms={}",
        item.source(), Kv.q(item.id()), h.attempt(), item.seq(), h.handlerPid(),
        result == null ? "-" : result.ending(), result == null ? "-" : result.exitCode(),
        result == null ? "-" : result.duration().toMillis());
  }

  static void lost(ItemRecord item, String reason) {
    log.warn("item_handler_lost source={} id={} attempt={} seq={} reason={}", item.source(), Kv.q(item.id()),
        item.attempts(), item.seq(), Kv.q(reason));
  }

  static void neverStarted(ItemRecord item) {
    log.info("item_never_started source={} id={} attempt={} seq={}", item.source(), Kv.q(item.id()),
        item.attempts(), item.seq());
  }

  static void summary(Dispatcher.AdoptionSummary s) {
    log.info("items_adopted adopted={} collected={} interrupted={} handed_back={}", s.adopted(), s.collected(),
        s.interrupted(), s.handedBack());
  }

  private static long ageMs(Instant since) {
    return Math.max(0, Duration.between(since, Instant.now()).toMillis());
  }
}
