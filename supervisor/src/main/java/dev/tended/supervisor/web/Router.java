package dev.tended.supervisor.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tended.logging.Kv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's one HTTP handler: finds the route by exact path (anything else is 404), refuses a
 * method the route does not take (405 with {@code Allow}), lets {@link RequestGuard} refuse a
 * misdirected or cross-site request, reads at most {@link #MAX_BODY} of a body (413 beyond), and
 * sends every reply with the same security headers: a {@code Content-Security-Policy} of
 * {@code default-src 'self'} that no frame may embed, {@code nosniff}, no referrer, and
 * {@code no-store} on everything but the page's own files. A route that throws is answered 500 and
 * logged ({@code web_request_failed}); the server goes on.
 *
 * <p>Immutable after construction; runs on the server's {@code web-http} threads.
 */
final class Router implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Router.class);
  /** The largest request body read (a form of source, id and drain is a few hundred bytes). */
  static final int MAX_BODY = 8 * 1024;
  static final String CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /** Who may use a route: anyone who passes the guard, or (actions) only with the token. */
  enum Access {
    /** The page's fixed files: may be cached (revalidated). */
    PAGE,
    /** Reads: the guard only. */
    READ,
    /** Actions: the guard and {@code Authorization: Bearer <token>}. */
    ACTION
  }

  /** A route with the methods it takes and who may use it. */
  record Entry(Set<String> methods, Route route, Access access) {
    static Entry page(Route route) {
      return new Entry(Set.of("GET", "HEAD"), route, Access.PAGE);
    }

    static Entry read(Route route) {
      return new Entry(Set.of("GET", "HEAD"), route, Access.READ);
    }

    static Entry action(Route route) {
      return new Entry(Set.of("POST"), route, Access.ACTION);
    }
  }

  private final Map<String, Entry> routes;
  private final RequestGuard guard;
  private final TokenFile token;

  Router(Map<String, Entry> routes, RequestGuard guard, TokenFile token) {
    this.routes = Map.copyOf(routes);
    this.guard = Objects.requireNonNull(guard);
    this.token = Objects.requireNonNull(token);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Entry entry = routes.get(ex.getRequestURI().getRawPath());
      Reply reply;
      try {
        reply = answer(ex, entry);
      } catch (Exception e) {
        log.warn("web_request_failed path={} error={}", Kv.q(ex.getRequestURI().getRawPath()), Kv.q(e.toString()));
        reply = Reply.error(500, "the dashboard could not answer: " + e.getMessage());
      }
      send(ex, reply, entry != null && entry.access() == Access.PAGE && reply.status() == 200);
    }
  }

  private Reply answer(HttpExchange ex, Entry entry) throws Exception {
    Headers h = ex.getRequestHeaders();
    Optional<Reply> misdirected = guard.misdirected(h.getFirst("Host"));
    if (misdirected.isPresent()) {
      return misdirected.get();
    }
    if (entry == null) {
      return Reply.error(404, "no such page");
    }
    if (entry.access() == Access.PAGE && "GET".equals(ex.getRequestMethod())) {
      // The page itself may be opened from a link or a bookmark: only its API is kept to this origin.
      return entry.route().handle(new Request("GET", ex.getRequestURI().getRawPath(), Map.of(), Map.of(),
          ex.getRemoteAddress().getAddress().getHostAddress()));
    }
    Optional<Reply> crossSite = guard.crossSite(h.getFirst("Host"), h.getFirst("Origin"), h.getFirst("Sec-Fetch-Site"));
    if (crossSite.isPresent()) {
      return crossSite.get();
    }
    String method = ex.getRequestMethod();
    if (!entry.methods().contains(method)) {
      return Reply.error(405, method + " is not allowed here").with("Allow", String.join(", ", entry.methods()));
    }
    Map<String, String> form = Map.of();
    if ("POST".equals(method)) {
      Optional<byte[]> body = body(ex.getRequestBody());
      if (body.isEmpty()) {
        return Reply.error(413, "request body over " + MAX_BODY + " bytes");
      }
      String type = Optional.ofNullable(h.getFirst("Content-Type")).orElse("");
      if (body.get().length > 0 && !type.startsWith("application/x-www-form-urlencoded")) {
        return Reply.error(415, "send the fields as application/x-www-form-urlencoded");
      }
      form = fields(new String(body.get(), StandardCharsets.UTF_8));
      if (form == null) {
        return Reply.error(400, "the form's fields are not URL-encoded");
      }
    }
    Map<String, String> query = fields(ex.getRequestURI().getRawQuery());
    if (query == null) {
      return Reply.error(400, "the query is not URL-encoded");
    }
    Request request = new Request(method, ex.getRequestURI().getRawPath(), query, form,
        ex.getRemoteAddress().getAddress().getHostAddress());
    if (entry.access() == Access.ACTION) {
      Optional<Reply> unauthorised = authorise(h.getFirst("Authorization"));
      if (unauthorised.isPresent()) {
        log.warn("web_action action={} source={} id={} remote={} outcome=unauthorized status={}",
            request.path().substring(request.path().lastIndexOf('/') + 1), Kv.q(form.getOrDefault("source", "")),
            Kv.q(form.getOrDefault("id", "")), request.remote(), unauthorised.get().status());
        return unauthorised.get();
      }
    }
    return entry.route().handle(request);
  }

  /** The refusal of an action without the right token (never saying what the token is), else empty. */
  private Optional<Reply> authorise(String authorization) {
    return switch (token.check(authorization)) {
      case OK -> Optional.empty();
      case MISSING -> Optional.of(Reply.error(401, "this action needs the dashboard's token (Authorization: Bearer)")
          .with("WWW-Authenticate", "Bearer realm=\"tended\""));
      case WRONG -> Optional.of(Reply.error(403, "the token is not the dashboard's token"));
      case NO_TOKEN -> Optional.of(Reply.error(503, "no token: the token file " + token.file()
          + " is missing or empty, so no action can be authorised"));
    };
  }

  private static Map<String, String> fields(String encoded) {
    try {
      return Request.fields(encoded);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The whole body when it is at most {@link #MAX_BODY}, else empty (the rest is not read). */
  private static Optional<byte[]> body(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BODY + 1);
    return b.length > MAX_BODY ? Optional.empty() : Optional.of(b);
  }

  private static void send(HttpExchange ex, Reply reply, boolean cacheable) throws IOException {
    Headers out = ex.getResponseHeaders();
    out.set("Content-Type", reply.contentType());
    out.set("Content-Security-Policy", CSP);
    out.set("X-Content-Type-Options", "nosniff");
    out.set("X-Frame-Options", "DENY");
    out.set("Referrer-Policy", "no-referrer");
    out.set("Cross-Origin-Resource-Policy", "same-origin");
    out.set("Cache-Control", cacheable ? "no-cache" : "no-store");
    new LinkedHashMap<>(reply.headers()).forEach(out::set);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(reply.status(), head || reply.body().length == 0 ? -1 : reply.body().length);
    if (!head && reply.body().length > 0) {
      ex.getResponseBody().write(reply.body());
    }
  }
}
