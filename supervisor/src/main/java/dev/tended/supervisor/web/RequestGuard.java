package dev.tended.supervisor.web;

import dev.tended.config.WebConfig;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The checks every request passes before a route sees it, against DNS rebinding and cross-site
 * requests: the {@code Host} header must name the address the dashboard listens on (or a loopback name
 * for it), else 421; a request from a page of another site ({@code Sec-Fetch-Site: cross-site} or
 * {@code same-site}, or an {@code Origin} that is not this dashboard) is refused with 403. A cross-site
 * page cannot read the replies anyway (no CORS headers are ever sent), and cannot set the
 * {@code Authorization} header an action needs; this is the second wall.
 *
 * <p>Immutable; thread-safe.
 */
final class RequestGuard {
  private final Set<String> hosts;

  RequestGuard(WebConfig web, int boundPort) {
    Set<String> h = new HashSet<>();
    String port = ":" + boundPort;
    h.add(hostPart(web.host()) + port);
    if (web.loopback()) {
      h.add("localhost" + port);
      h.add("127.0.0.1" + port);
      h.add("[::1]" + port);
    }
    this.hosts = Set.copyOf(h);
  }

  /** The refusal of a request whose {@code Host} header names another server (421), or empty. */
  Optional<Reply> misdirected(String host) {
    if (host == null || !hosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
      return Optional.of(Reply.error(421, "this dashboard answers only to " + String.join(" or ", sorted())
          + " (Host header " + (host == null ? "missing" : "\"" + host + "\"") + ")"));
    }
    return Optional.empty();
  }

  /** The refusal of a request that a page of another site made (403), or empty; call after {@link #misdirected}. */
  Optional<Reply> crossSite(String host, String origin, String fetchSite) {
    if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
      return Optional.of(Reply.error(403, "cross-site request refused (Sec-Fetch-Site: " + fetchSite + ")"));
    }
    if (origin != null && !origin.equals("http://" + host.trim().toLowerCase(Locale.ROOT))) {
      return Optional.of(Reply.error(403, "cross-site request refused (Origin " + origin + ")"));
    }
    return Optional.empty();
  }

  private java.util.List<String> sorted() {
    return hosts.stream().sorted().toList();
  }

  private static String hostPart(String host) {
    return (host.contains(":") ? "[" + host + "]" : host).toLowerCase(Locale.ROOT);
  }
}
