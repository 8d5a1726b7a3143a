package dev.tended.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of the YAML tree with its path ({@code sources[1].retry}), reading typed values and
 * recording a problem, with path and reason, for each value it cannot accept. Not thread-safe; used
 * only while loading.
 */
final class ConfigNode {
  private final JsonNode node;
  private final String path;
  private final List<String> problems;

  ConfigNode(JsonNode node, String path, List<String> problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  private String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  void problem(String key, String reason) {
    problems.add(at(key) + ": " + reason);
  }

  /** Records every key not in {@code known}. */
  void refuseUnknownKeys(Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        problems.add(at(key) + ": unknown key (known here: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private Optional<JsonNode> present(String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  Optional<ConfigNode> mapping(String key) {
    Optional<JsonNode> v = present(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.get().isObject()) {
      problem(key, "must be a mapping of keys to values");
      return Optional.empty();
    }
    return Optional.of(new ConfigNode(v.get(), at(key), problems));
  }

  /** The mapping at {@code key}, or an empty one when absent (so defaults apply). */
  ConfigNode mappingOrEmpty(String key) {
    return mapping(key).orElseGet(() -> new ConfigNode(
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), at(key), problems));
  }

  List<ConfigNode> mappings(String key) {
    List<ConfigNode> out = new ArrayList<>();
    Optional<JsonNode> v = present(key);
    if (v.isEmpty()) {
      return out;
    }
    if (!v.get().isArray()) {
      problem(key, "must be a list");
      return out;
    }
    for (int i = 0; i < v.get().size(); i++) {
      JsonNode e = v.get().get(i);
      String p = at(key) + "[" + i + "]";
      if (!e.isObject()) {
        problems.add(p + ": must be a mapping of keys to values");
      } else {
        out.add(new ConfigNode(e, p, problems));
      }
    }
    return out;
  }

  Optional<String> string(String key) {
    Optional<JsonNode> v = present(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.get().isValueNode() || v.get().asText().isBlank()) {
      problem(key, quote(v.get()) + " is not a non-empty string");
      return Optional.empty();
    }
    return Optional.of(v.get().asText());
  }

  String string(String key, String fallback) {
    return string(key).orElse(fallback);
  }

  Optional<Duration> duration(String key) {
    Optional<JsonNode> v = present(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> d = v.get().isTextual() ? Durations.parse(v.get().asText()) : Optional.empty();
    if (d.isEmpty()) {
      problem(key, quote(v.get()) + " is not a duration (write e.g. 500ms, 2s, 10m, 1h)");
    }
    return d;
  }

  /** A duration that must be above zero. */
  Duration positiveDuration(String key, Duration fallback) {
    Duration d = duration(key).orElse(fallback);
    if (d.isZero() || d.isNegative()) {
      problem(key, "must be more than 0");
      return fallback;
    }
    return d;
  }

  /** A duration that may be zero (meaning "off"), never negative. */
  Duration nonNegativeDuration(String key, Duration fallback) {
    Duration d = duration(key).orElse(fallback);
    if (d.isNegative()) {
      problem(key, "must not be negative (0s turns it off)");
      return fallback;
    }
    return d;
  }

  int integer(String key, int fallback, int min, int max) {
    Optional<JsonNode> v = present(key);
    if (v.isEmpty()) {
      return fallback;
    }
    if (!v.get().canConvertToInt() || !v.get().isIntegralNumber()) {
      problem(key, quote(v.get()) + " is not a whole number");
      return fallback;
    }
    int n = v.get().intValue();
    if (n < min || n > max) {
      problem(key, n + " is out of range " + min + ".." + max);
      return fallback;
    }
    return n;
  }

  long byteSize(String key, long fallback) {
    Optional<JsonNode> v = present(key);
    if (v.isEmpty()) {
      return fallback;
    }
    String text = v.get().asText().trim().toUpperCase(java.util.Locale.ROOT);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})\\s*(B|KB|KIB|MB|MIB|GB|GIB)?").matcher(text);
    if (!m.matches()) {
      problem(key, quote(v.get()) + " is not a size (write e.g. 65536, 64KiB, 10MiB)");
      return fallback;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long factor = switch (unit) {
      case "KB", "KIB" -> 1024L;
      case "MB", "MIB" -> 1024L * 1024;
      case "GB", "GIB" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(n, factor);
    } catch (ArithmeticException e) {
      problem(key, quote(v.get()) + " is too large (at most " + Long.MAX_VALUE + " bytes)");
      return fallback;
    }
  }

  /** A byte size that must be above zero. */
  long positiveByteSize(String key, long fallback) {
    int before = problems.size();
    long n = byteSize(key, fallback);
    if (problems.size() == before && n <= 0) {
      problem(key, "must be more than 0 bytes");
      return fallback;
    }
    return n;
  }

  /** A list of non-empty strings, or empty when absent. */
  Optional<List<String>> strings(String key) {
    Optional<JsonNode> v = present(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.get().isArray()) {
      problem(key, "must be a list of strings, e.g. [\"/usr/bin/handler\", \"--flag\"]");
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.get().size(); i++) {
      JsonNode e = v.get().get(i);
      if (!e.isValueNode() || e.isNull()) {
        problems.add(at(key) + "[" + i + "]: " + quote(e) + " is not a string");
      } else {
        out.add(e.asText());
      }
    }
    return Optional.of(out);
  }

  static String quote(JsonNode v) {
    String s = v.isValueNode() ? v.asText() : v.toString();
    if (s.length() > 60) {
      s = s.substring(0, 57) + "...";
    }
    return "\"" + s + "\"";
  }
}
