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
  /** {@code ideas_log.json: line 3, column 17: unexpected end of input}, or without the line when it is 0. */
  public String describe() {
    // Line 0: a fault about an item rather than the text (an id refused at intake names its place itself).
    return line <= 0 ? file + ": " + reason : file + ": line " + line + ", column " + column + ": " + reason;
  }
}
