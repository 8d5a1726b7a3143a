package dev.tended.status;

import java.time.Instant;

/**
 * A queue file that does not parse: where, why, since when, and where its copy was put.
 *
 * @param line 1-based, or 0 when the reader could not tell
 * @param column 1-based, or 0 when the reader could not tell
 * @param quarantinedAs the copy under {@code quarantine/}, or null when it could not be made
 */
public record QueueFault(String file, int line, int column, String reason, String quarantinedAs, Instant since) {
  /** {@code ideas_log.json: line 3, column 17: unexpected end of input}. */
  public String describe() {
    return file + ": line " + line + ", column " + column + ": " + reason;
  }
}
