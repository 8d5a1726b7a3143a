package dev.tended.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tended.io.SafeFileNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One item read from a queue, in the form the ledger stores: who it is, which version of it this
 * is, and its content. Two reads of the same content give equal items, so the ledger can tell a
 * re-read from a new version without remembering anything about the file.
 *
 * <p>An item read from a JSON queue file is usually lazy: it keeps a copy of its exact bytes in the
 * file (no larger than its text, unlike a parsed tree) and their fingerprint, and parses them again
 * to work out its canonical JSON, its SHA-256 and (if it has no usable id field) its id only when
 * first asked. The poller asks only for the items its
 * last read did not offer, so a re-read of a long file with one new item serialises and hashes one
 * item, not all of them. To its users it behaves as an immutable value, like a record: the three
 * values are the same whenever and on whichever thread they are asked for (worked out at most once
 * per thread that races to it first; each is an immutable {@code String}).
 */
public final class QueueItem {
  /** The three values, as one immutable object so that a racing reader sees all or none. */
  private record Content(String id, String contentHash, String json) {
    Content {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(contentHash, "contentHash");
      Objects.requireNonNull(json, "json");
    }
  }

  private final byte[] text; // UTF-8, parsed once already; null for an eager item
  private final String idField;
  private final long fingerprintA;
  private final long fingerprintB;
  private Content content; // racy single-check: immutable, and every computation gives equal values

  /**
   * An item whose values are known.
   *
   * @param id the value of the source's {@code idField} as text, the entry name for a directory
   *     source, or {@code h-} plus 20 hex digits of the content hash when the item has no usable id
   * @param contentHash lower-case hex SHA-256: of {@code json} for a JSON queue, of the entry's
   *     size, modification time and (for a folder) entry count for a directory; a changed item has a
   *     new hash
   * @param json the item as canonical JSON: object keys sorted at every level, no whitespace
   */
  public QueueItem(String id, String contentHash, String json) {
    this.content = new Content(id, contentHash, json);
    this.text = null;
    this.idField = null;
    // top bit set: never equal to a fingerprint of file bytes (ItemFingerprint's are below 2^61)
    this.fingerprintA = KnownItems.high(contentHash) | Long.MIN_VALUE;
    this.fingerprintB = KnownItems.low(contentHash, id);
  }

  private QueueItem(byte[] text, String idField, long fingerprintA, long fingerprintB) {
    this.text = Objects.requireNonNull(text, "text");
    this.idField = Objects.requireNonNull(idField, "idField");
    this.fingerprintA = fingerprintA;
    this.fingerprintB = fingerprintB;
  }

  /**
   * An item read from a JSON queue file: {@code text}, its exact bytes there (one JSON value in UTF-8
   * that has parsed, owned by the item from now on), have the {@link ItemFingerprint} {@code (a, b)}.
   * The item is a function of its bytes (same bytes, same id, hash and canonical JSON), so the
   * fingerprint stands for it until its values are asked for.
   */
  static QueueItem lazy(byte[] text, String idField, long a, long b) {
    return new QueueItem(text, idField, a, b);
  }

  /** See {@link #QueueItem(String, String, String)}. */
  public String id() {
    return content().id();
  }

  /** See {@link #QueueItem(String, String, String)}. */
  public String contentHash() {
    return content().contentHash();
  }

  /** See {@link #QueueItem(String, String, String)}. */
  public String json() {
    return content().json();
  }

  /**
   * First half of what {@link KnownItems} keys the item by: the fingerprint of its bytes in the file
   * for a lazy item, bits of its content hash otherwise. Equal items can have different keys (the
   * same content spelled differently); different items have different keys but for a chance far
   * below that of a hardware fault.
   */
  long keyA() {
    return fingerprintA;
  }

  /** Second half of the key; see {@link #keyA()}. */
  long keyB() {
    return fingerprintB;
  }

  private Content content() {
    Content c = content;
    if (c == null) {
      JsonNode tree;
      try {
        tree = CanonicalJson.MAPPER.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("bytes that parsed once no longer parse", e);
      }
      if (tree == null) {
        tree = NullNode.getInstance();
      }
      String json = CanonicalJson.write(tree);
      String hash = SafeFileNames.sha256Hex(json);
      c = new Content(CanonicalJson.idOf(tree, idField, hash), hash, json);
      content = c;
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QueueItem other && content().equals(other.content());
  }

  @Override
  public int hashCode() {
    return content().hashCode();
  }

  @Override
  public String toString() {
    Content c = content();
    return "QueueItem[id=" + c.id() + ", contentHash=" + c.contentHash() + ", json=" + c.json() + "]";
  }
}
