package dev.tended.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@code tended web} listens and where its action token is ({@code web:}). Loopback by default:
 * the dashboard is for an operator on the host (or through an SSH tunnel); listening elsewhere is a
 * choice written in the configuration, never a default.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code ::1}
 * @param port the TCP port, 1 to 65535
 * @param tokenFile the file whose content authorises actions (made at install, readable by the
 *     {@code tended} group); default {@code dataDir/web.token}
 */
public record WebConfig(String host, int port, Path tokenFile) {
  public static final String DEFAULT_LISTEN = "127.0.0.1:9180";
  public static final String DEFAULT_TOKEN_FILE = "web.token";

  public WebConfig {
    Objects.requireNonNull(host);
    Objects.requireNonNull(tokenFile);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
    }
  }

  /** The defaults for a data folder: loopback port 9180, {@code dataDir/web.token}. */
  public static WebConfig defaultsIn(Path dataDir) {
    Listen l = Listen.parse(DEFAULT_LISTEN);
    return new WebConfig(l.host(), l.port(), dataDir.resolve(DEFAULT_TOKEN_FILE));
  }

  /** The same with another address, e.g. from {@code tended web --listen}. */
  public WebConfig listeningOn(Listen listen) {
    return new WebConfig(listen.host(), listen.port(), tokenFile);
  }

  /** {@code host:port} as written in the configuration ({@code [::1]:9180} for IPv6). */
  public String listen() {
    return new Listen(host, port).toString();
  }

  /** Whether {@link #host} is a loopback address (a literal; a name is looked up, which may fail: false). */
  public boolean loopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A parsed {@code HOST:PORT}. */
  public record Listen(String host, int port) {
    /**
     * Parses {@code 127.0.0.1:9180}, {@code localhost:9180} or {@code [::1]:9180}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Listen parse(String text) {
      String t = text.trim();
      int colon = t.lastIndexOf(':');
      if (colon <= 0 || colon == t.length() - 1) {
        throw new IllegalArgumentException("\"" + text + "\" is not HOST:PORT, e.g. 127.0.0.1:9180");
      }
      String host = t.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new IllegalArgumentException("\"" + text + "\": an IPv6 address goes in brackets, e.g. [::1]:9180");
      }
      int port;
      try {
        port = Integer.parseInt(t.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + text + "\": the port is not a number");
      }
      if (host.isBlank() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("\"" + text + "\": needs a host and a port between 1 and 65535");
      }
      return new Listen(host, port);
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
