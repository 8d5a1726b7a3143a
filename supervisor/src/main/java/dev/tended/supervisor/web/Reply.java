package dev.tended.supervisor.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tended.status.StatusFiles;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What a route answers: the status, the content type and the body; {@link Router} adds the security
 * headers every reply carries and sends it.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type}
 * @param body the bytes sent
 * @param headers further headers (e.g. {@code Allow}, {@code WWW-Authenticate})
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json; charset=utf-8";
  /** The Prometheus text format, as node_exporter and Prometheus itself serve it. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final ObjectWriter WRITER = StatusFiles.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);

  Reply {
    headers = Map.copyOf(headers);
  }

  static Reply json(int status, Object value) {
    try {
      return new Reply(status, JSON, WRITER.writeValueAsBytes(value), Map.of());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {"outcome": outcome, "message": message}}: how every refusal and every action is answered. */
  static Reply outcome(int status, String outcome, String message) {
    return json(status, new Outcome(outcome, message));
  }

  static Reply error(int status, String message) {
    return outcome(status, "error", message);
  }

  Reply with(String header, String value) {
    Map<String, String> h = new java.util.HashMap<>(headers);
    h.put(header, value);
    return new Reply(status, contentType, body, h);
  }

  /** The JSON of an action's or a refusal's answer. */
  record Outcome(String outcome, String message) {}
}
