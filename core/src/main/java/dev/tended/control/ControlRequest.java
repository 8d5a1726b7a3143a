package dev.tended.control;

import java.time.Instant;
import java.util.Objects;

/**
 * One operator's request, as {@code tended pause|resume|cancel|retry} and the dashboard leave it in
 * {@code dataDir/control/requests/} for the worker, which alone applies it to the ledger and answers in
 * {@code control/answers/}. A request is durable from the moment it is submitted, so it takes effect
 * whether or not a worker runs at that moment; applying one twice has the effect of applying it once.
 *
 * @param requestId unique, and sortable by submission time: the order in which requests are applied
 * @param action what is asked
 * @param source the source's name
 * @param itemId the item's id for {@code cancel} and {@code retry}, else null
 * @param drain for {@code pause}: let running handlers finish (true) or hand them back (false)
 * @param deadSince for {@code retry-dead}: only items that went dead at or after this, or null for all
 * @param exitCode for {@code retry-dead}: only items whose last attempt exited with this code, or null
 * @param askedBy who asked, for the logs (e.g. {@code user=alice uid=1000}, {@code web 127.0.0.1})
 * @param askedAt when it was asked
 */
public record ControlRequest(String requestId, ControlAction action, String source, String itemId, boolean drain,
    Instant deadSince, Integer exitCode, String askedBy, Instant askedAt) {

  public ControlRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(askedBy, "askedBy");
    Objects.requireNonNull(askedAt, "askedAt");
    if ((action == ControlAction.CANCEL || action == ControlAction.RETRY) && (itemId == null || itemId.isEmpty())) {
      throw new IllegalArgumentException(action.wireName() + " needs an item id");
    }
  }

  /** The selection a {@code retry-dead} request makes. */
  public dev.tended.ledger.DeadSelection deadSelection() {
    return new dev.tended.ledger.DeadSelection(source, deadSince, exitCode);
  }
}
