package dev.tended.queue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tended.io.SafeFileNames;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Turns one JSON value into a {@link QueueItem}: canonical text (object keys sorted at every level
 * by UTF-16 code units, no insignificant whitespace), its SHA-256, and its id. Numbers keep the
 * producer's precision and spelling ({@code 1.50} stays {@code 1.50}), so only whitespace and key
 * order are normalised away.
 */
public final class CanonicalJson {
  /** Shared, thread-safe once built. Decimals are read as {@code BigDecimal}, never rounded. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      .build();

  private static final int HASH_ID_HEX_DIGITS = 20;

  private CanonicalJson() {}

  /** The canonical text of {@code node}. */
  public static String write(JsonNode node) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
      write(node, gen);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string cannot fail", e);
    }
    return out.toString();
  }

  /**
   * The item for {@code node}: its id is the text of {@code idField} when {@code node} is an object
   * whose {@code idField} is a non-empty string or a number; otherwise a hash of its canonical JSON.
   */
  public static QueueItem item(JsonNode node, String idField) {
    String json = write(node);
    String hash = SafeFileNames.sha256Hex(json);
    return new QueueItem(idOf(node, idField, hash), hash, json);
  }

  /** The id of {@code node}, whose canonical JSON hashes to {@code hash}: see {@link #item}. */
  static String idOf(JsonNode node, String idField, String hash) {
    JsonNode id = node.isObject() ? node.get(idField) : null;
    if (id != null && id.isNumber()) {
      return id.asText();
    }
    if (id != null && id.isTextual() && !id.textValue().isEmpty()) {
      return id.textValue();
    }
    return "h-" + hash.substring(0, HASH_ID_HEX_DIGITS);
  }

  private static void write(JsonNode node, JsonGenerator gen) throws IOException {
    if (node.isObject()) {
      List<String> names = new ArrayList<>(node.size());
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      gen.writeStartObject();
      for (String name : names) {
        gen.writeFieldName(name);
        write(node.get(name), gen);
      }
      gen.writeEndObject();
    } else if (node.isArray()) {
      gen.writeStartArray();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        write(it.next(), gen);
      }
      gen.writeEndArray();
    } else {
      gen.writeTree(node);
    }
  }
}
