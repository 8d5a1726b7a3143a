package dev.tended.supervisor.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's own files, read once from the jar's resources at start: {@code index.html},
 * {@code app.js} and {@code app.css}, no build step and nothing fetched from elsewhere. A fixed table:
 * no request names a file. Immutable.
 */
final class PageAssets {
  private static final String FOLDER = "/dev/tended/supervisor/web/";
  /** URL path, resource name, content type. */
  private static final String[][] FILES = {
      {"/", "index.html", "text/html; charset=utf-8"},
      {"/app.js", "app.js", "text/javascript; charset=utf-8"},
      {"/app.css", "app.css", "text/css; charset=utf-8"}};

  private PageAssets() {}

  /** Each URL path with its route. */
  static Map<String, Route> routes() {
    Map<String, Route> out = new java.util.LinkedHashMap<>();
    for (String[] f : FILES) {
      Reply reply = new Reply(200, f[2], load(f[1]), Map.of());
      out.put(f[0], request -> reply);
    }
    return out;
  }

  private static byte[] load(String name) {
    try (InputStream in = PageAssets.class.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + FOLDER + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
