package dev.tended.supervisor.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a route sees it, read and checked by {@link Router} first: the method, the path,
 * the query's and (for a POST) the form's fields, and who asked. Routes never get the raw exchange, so
 * none can read a file named by the request or write a reply without the security headers.
 *
 * @param method {@code GET}, {@code POST}...
 * @param path the path without the query
 * @param query the query's fields (the first of each name)
 * @param form the form's fields of a {@code application/x-www-form-urlencoded} body (empty otherwise)
 * @param remote the peer's address, e.g. {@code 127.0.0.1}
 */
record Request(String method, String path, Map<String, String> query, Map<String, String> form, String remote) {
  Request {
    query = Map.copyOf(query);
    form = Map.copyOf(form);
  }

  /** A query field, when present and not blank. */
  Optional<String> param(String name) {
    return Optional.ofNullable(query.get(name)).filter(v -> !v.isBlank());
  }

  /** A form field, when present and not blank. */
  Optional<String> field(String name) {
    return Optional.ofNullable(form.get(name)).filter(v -> !v.isBlank());
  }

  /** {@code a=1&b=x%20y} as fields (the first of each name kept); malformed escapes throw IllegalArgumentException. */
  static Map<String, String> fields(String encoded) {
    Map<String, String> out = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return out;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(name, value);
    }
    return out;
  }
}
