package dev.tended.worker.source;

import java.util.Objects;

/**
 * One item read from a queue, in the form the ledger stores: who it is, which version of it this
 * is, and its content. Two reads of the same content give equal items, so the ledger can tell a
 * re-read from a new version without remembering anything about the file.
 *
 * @param id the value of the source's {@code idField} as text, the entry name for a directory
 *     source, or {@code h-} plus 20 hex digits of the content hash when the item has no usable id
 * @param contentHash lower-case hex SHA-256: of {@code json} for a JSON queue, of the entry's
 *     size, modification time and (for a folder) entry count for a directory; a changed item has a
 *     new hash
 * @param json the item as canonical JSON: object keys sorted at every level, no whitespace
 */
public record QueueItem(String id, String contentHash, String json) {
  public QueueItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(contentHash, "contentHash");
    Objects.requireNonNull(json, "json");
  }
}
