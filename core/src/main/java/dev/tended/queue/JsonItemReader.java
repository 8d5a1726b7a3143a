package dev.tended.queue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Streams the items out of one JSON queue file, one item tree at a time, so that memory is bounded
 * by the largest item and one batch, never by the file.
 *
 * <p>Layouts, decided per root value:
 *
 * <ul>
 *   <li>a root array: each element is an item (so several arrays in a row also work);
 *   <li>a file holding exactly one root object with exactly one field, whose value is an array
 *       ({@code {"items": [...]}}, any name): each element of that array is an item;
 *   <li>any other root value: it is an item itself. That covers JSON Lines and whitespace-separated
 *       values.
 * </ul>
 *
 * The wrapper is told from a one-line JSON Lines file by a first, skimming pass that builds no trees
 * and stops early for JSON Lines. A truncated file whose first root is an object opening with an
 * array field counts as a wrapper, so the complete elements before the cut are still taken.
 * Ambiguity accepted: a JSON Lines file whose only line is {@code {"tags": [...]}} reads as a wrapper
 * until a second line arrives.
 *
 * <p>Each item is handed over lazy ({@link QueueItem#lazy}): a copy of its exact bytes in the file
 * and their {@link ItemFingerprint}, taken from a window of the input ({@link ItemBytes}) instead of
 * being written out again; its tree is dropped, and its canonical JSON and SHA-256 are worked out
 * (from the bytes) only if someone asks, and the
 * poller asks only for items its last read did not offer. An item longer than the window, or any
 * item of a file that is not UTF-8 (the parser counts its offsets in chars), is made at once.
 *
 * <p>Reading stops at the first syntax fault: a JSON parser cannot tell where the next value starts
 * after one, so what follows is not guessed at. Items complete before the fault have been handed
 * over. Not thread-safe; create one per source.
 */
public final class JsonItemReader {
  /** Opens the file afresh; the reader may read it twice. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * Where and why a file stopped parsing.
   *
   * @param line 1-based, 0 when unknown
   * @param column 1-based, counted in bytes for UTF-8 input; 0 when unknown
   */
  public record SyntaxFault(int line, int column, String reason) {
    public SyntaxFault {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final String idField;
  private final long maxItemBytes;
  private final JsonFactory factory;
  private final int windowBytes;

  /** Items larger than {@code maxItemBytes} (JSON text) are refused as a fault at their start. */
  public JsonItemReader(String idField, long maxItemBytes) {
    this(idField, maxItemBytes, ItemBytes.WINDOW);
  }

  /** For tests: items are fingerprinted from a window of {@code windowBytes} (see {@link ItemBytes}). */
  JsonItemReader(String idField, long maxItemBytes, int windowBytes) {
    this.windowBytes = windowBytes;
    this.idField = Objects.requireNonNull(idField, "idField");
    if (maxItemBytes < 1) {
      throw new IllegalArgumentException("maxItemBytes must be positive, was " + maxItemBytes);
    }
    this.maxItemBytes = maxItemBytes;
    // One long string is refused by the parser itself while it accumulates it, before the guard's
    // next block: a string of N bytes takes up to 2N bytes of heap as chars.
    this.factory = CanonicalJson.MAPPER.getFactory().copy().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxStringLength((int) Math.min(maxItemBytes, Integer.MAX_VALUE - 1)).build());
  }

  /**
   * Hands every complete item of the file to {@code out} (the caller flushes it) and returns the
   * first syntax fault, if any. I/O errors and sink failures are thrown.
   */
  public Optional<SyntaxFault> read(Opener opener, Batcher out) throws IOException {
    boolean wrapper = isWrapper(opener);
    try (ItemBytes bytes = new ItemBytes(opener.open(), windowBytes);
        ItemSizeGuard in = new ItemSizeGuard(bytes, maxItemBytes);
        JsonParser parser = factory.createParser(in)) {
      Items items = new Items(parser, in, bytes);
      try {
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          if (token == JsonToken.START_ARRAY) {
            readElements(parser, out, items);
          } else if (wrapper && token == JsonToken.START_OBJECT) {
            if (parser.nextToken() != JsonToken.FIELD_NAME
                || parser.nextToken() != JsonToken.START_ARRAY) {
              return Optional.of(changedUnderfoot(parser));
            }
            readElements(parser, out, items);
            parser.nextToken(); // END_OBJECT, or a fault
          } else {
            out.add(items.next());
          }
        }
        return Optional.empty();
      } catch (JsonProcessingException e) {
        return Optional.of(fault(e, parser));
      }
    }
  }

  private static void readElements(JsonParser parser, Batcher out, Items items) throws IOException {
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      out.add(items.next());
    }
  }

  /** Builds one item at a time from where the parser stands; lives for one read. */
  private final class Items {
    private final JsonParser parser;
    private final ItemSizeGuard guard;
    private final ItemBytes bytes;
    private final long[] fingerprint = new long[2];

    Items(JsonParser parser, ItemSizeGuard guard, ItemBytes bytes) {
      this.parser = parser;
      this.guard = guard;
      this.bytes = bytes;
    }

    /** The item whose first token the parser has just returned. */
    QueueItem next() throws IOException {
      JsonLocation start = parser.currentTokenLocation();
      long from = start.getByteOffset(); // -1 unless the input is UTF-8 (other encodings go through a Reader)
      if (from >= 0) {
        bytes.keepFrom(from);
      }
      JsonNode node;
      guard.arm();
      try {
        node = CanonicalJson.MAPPER.readTree(parser);
      } catch (ItemSizeGuard.ItemTooLargeException e) {
        throw new ItemTooLarge(start, e.getMessage());
      } finally {
        guard.disarm();
      }
      long to = parser.currentLocation().getByteOffset();
      if (from >= 0 && to - from > maxItemBytes) {
        throw new ItemTooLarge(start, "item larger than maxItemBytes (" + maxItemBytes + " bytes)");
      }
      JsonNode tree = node == null ? NullNode.getInstance() : node;
      if (from >= 0 && bytes.holds(from, to) && startsAValue(bytes.at(from))) {
        // the item's exact text, as it stands in the file: equal text, equal item
        bytes.fingerprint(from, to, fingerprint);
        return QueueItem.lazy(bytes.copy(from, to), idField, fingerprint[0], fingerprint[1]);
      }
      return CanonicalJson.item(tree, idField); // too long for the window, or not UTF-8
    }
  }

  /**
   * A byte a JSON value can start with: a check that the parser's offsets and the window agree
   * (they always should); if not, the item is made the slow way.
   */
  private static boolean startsAValue(byte b) {
    return b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9') || b == 't' || b == 'f'
        || b == 'n';
  }

  /** An item over the bound: reported like a syntax fault, at the item's first character. */
  private static final class ItemTooLarge extends JsonProcessingException {
    private final JsonLocation start;

    ItemTooLarge(JsonLocation start, String reason) {
      super(reason, start);
      this.start = start;
    }
  }

  /** True when the file is (or, cut short, starts as) one object holding one array field. */
  private static boolean isWrapper(JsonItemReader.Opener opener) throws IOException {
    try (InputStream in = opener.open();
        JsonParser parser = CanonicalJson.MAPPER.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT
          || parser.nextToken() != JsonToken.FIELD_NAME
          || parser.nextToken() != JsonToken.START_ARRAY) {
        return false;
      }
      try {
        parser.skipChildren();
        return parser.nextToken() == JsonToken.END_OBJECT && parser.nextToken() == null;
      } catch (JsonProcessingException cutShortOrTrailingGarbage) {
        return true;
      }
    } catch (JsonProcessingException brokenBeforeTheArray) {
      return false;
    }
  }

  /** The skimming pass saw a wrapper and this pass does not: the file changed between them. */
  private static SyntaxFault changedUnderfoot(JsonParser parser) {
    JsonLocation at = parser.currentLocation();
    return new SyntaxFault(at.getLineNr(), at.getColumnNr(), "file changed while being read");
  }

  private static SyntaxFault fault(JsonProcessingException e, JsonParser parser) {
    if (e instanceof ItemTooLarge big) {
      return new SyntaxFault(Math.max(0, big.start.getLineNr()), Math.max(0, big.start.getColumnNr()),
          big.getOriginalMessage());
    }
    if (e instanceof StreamConstraintsException) {
      // a string longer than maxItemBytes or nesting deeper than the parser allows: Jackson gives no
      // location, so it is where the parser stopped
      JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
      String what = String.valueOf(e.getOriginalMessage()).contains("nesting") ? "too deeply nested: "
          : "item larger than maxItemBytes: ";
      return new SyntaxFault(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()), what + reason(e));
    }
    JsonLocation at = e.getLocation();
    int line = at == null ? 0 : Math.max(0, at.getLineNr());
    int column = at == null ? 0 : Math.max(0, at.getColumnNr());
    return new SyntaxFault(line, column, reason(e));
  }

  /** Jackson's message without its location suffix, starting lower-case. */
  static String reason(JsonProcessingException e) {
    if (e instanceof JsonEOFException) {
      return "unexpected end of input";
    }
    String message = String.valueOf(e.getOriginalMessage());
    int cut = message.indexOf('\n');
    if (cut >= 0) {
      message = message.substring(0, cut);
    }
    cut = message.indexOf(" (start marker at ");
    if (cut >= 0) {
      message = message.substring(0, cut);
    }
    message = message.strip();
    if (message.isEmpty()) {
      return "malformed JSON";
    }
    return Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }
}
