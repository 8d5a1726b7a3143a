package dev.tended.worker.source;

import com.fasterxml.jackson.core.JsonLocation;
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
 * <p>Reading stops at the first syntax fault: a JSON parser cannot tell where the next value starts
 * after one, so what follows is not guessed at. Items complete before the fault have been handed
 * over. Not thread-safe; create one per source.
 */
final class JsonItemReader {
  /** Opens the file afresh; the reader may read it twice. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * Where and why a file stopped parsing.
   *
   * @param line 1-based, 0 when unknown
   * @param column 1-based, counted in bytes for UTF-8 input; 0 when unknown
   */
  record SyntaxFault(int line, int column, String reason) {
    SyntaxFault {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final String idField;

  JsonItemReader(String idField) {
    this.idField = Objects.requireNonNull(idField, "idField");
  }

  /**
   * Hands every complete item of the file to {@code out} (the caller flushes it) and returns the
   * first syntax fault, if any. I/O errors and sink failures are thrown.
   */
  Optional<SyntaxFault> read(Opener opener, Batcher out) throws IOException {
    boolean wrapper = isWrapper(opener);
    try (InputStream in = opener.open();
        JsonParser parser = CanonicalJson.MAPPER.createParser(in)) {
      try {
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          if (token == JsonToken.START_ARRAY) {
            readElements(parser, out);
          } else if (wrapper && token == JsonToken.START_OBJECT) {
            if (parser.nextToken() != JsonToken.FIELD_NAME
                || parser.nextToken() != JsonToken.START_ARRAY) {
              return Optional.of(changedUnderfoot(parser));
            }
            readElements(parser, out);
            parser.nextToken(); // END_OBJECT, or a fault
          } else {
            out.add(item(parser));
          }
        }
        return Optional.empty();
      } catch (JsonProcessingException e) {
        return Optional.of(fault(e));
      }
    }
  }

  private void readElements(JsonParser parser, Batcher out) throws IOException {
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      out.add(item(parser));
    }
  }

  private QueueItem item(JsonParser parser) throws IOException {
    JsonNode node = CanonicalJson.MAPPER.readTree(parser);
    return CanonicalJson.item(node == null ? NullNode.getInstance() : node, idField);
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

  private static SyntaxFault fault(JsonProcessingException e) {
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
