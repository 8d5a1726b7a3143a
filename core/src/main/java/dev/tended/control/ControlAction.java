package dev.tended.control;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What an operator asks of the worker through a {@link ControlRequest}; the wire name is in the request file. */
public enum ControlAction {
  /** Start nothing new from a source; with {@code drain}, let its running handlers finish, else hand them back. */
  PAUSE("pause"),
  /** Start a paused source's items again. */
  RESUME("resume"),
  /** Stop one item's running handler (TERM, grace, KILL), or take a waiting one, and end it dead. */
  CANCEL("cancel"),
  /** Put one dead item back to pending, its attempts reset. */
  RETRY("retry"),
  /** Put every dead item of a source that matches a {@code DeadSelection} back to pending. */
  RETRY_DEAD("retry-dead");

  private final String wireName;

  ControlAction(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The action with this wire name. */
  @JsonCreator
  public static ControlAction fromWire(String name) {
    return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not an action: \"" + name + "\" (pause, resume, cancel, retry,"
            + " retry-dead)"));
  }
}
