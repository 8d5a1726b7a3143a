package dev.tended.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * The service manager's side channel (sd_notify(3)): readiness, a status line, watchdog pings and
 * stop notices. Exists so the daemons can say the same things whether or not systemd runs them:
 * {@link #fromEnvironment()} gives the real binding under a {@code Type=notify} unit and a
 * do-nothing one everywhere else, so callers never check.
 *
 * <p>Implementations are thread-safe; a send never throws and never blocks for long (a datagram to a
 * local socket).
 */
public interface Notifier {
  /**
   * Sends newline-joined {@code KEY=value} assignments in one datagram, e.g.
   * {@code send("READY=1", "STATUS=running")}. Returns whether the message left the process.
   */
  boolean send(String... assignments);

  /** Whether messages reach a service manager (false for the no-op). */
  boolean active();

  /**
   * The watchdog timeout the service manager expects pings within ({@code WATCHDOG_USEC}), when it
   * is set for this process.
   */
  Optional<Duration> watchdogTimeout();

  /** {@code READY=1} with a first status line. */
  default boolean ready(String status) {
    return send("READY=1", "STATUS=" + oneLine(status));
  }

  /** {@code STATUS=}: a short line for {@code systemctl status}. */
  default boolean status(String status) {
    return send("STATUS=" + oneLine(status));
  }

  /** {@code WATCHDOG=1}: the process is making progress. */
  default boolean watchdog() {
    return send("WATCHDOG=1");
  }

  /** {@code STOPPING=1} and the reason as the status line. */
  default boolean stopping(String status) {
    return send("STOPPING=1", "STATUS=" + oneLine(status));
  }

  /** {@code EXTEND_TIMEOUT_USEC=}: the start (or stop) needs up to {@code more} from now. */
  default boolean extendTimeout(Duration more, String status) {
    return send("EXTEND_TIMEOUT_USEC=" + more.toNanos() / 1000, "STATUS=" + oneLine(status));
  }

  /** {@code ERRNO=} and a status line saying why the service is failing. */
  default boolean failing(int errno, String status) {
    return send("ERRNO=" + errno, "STATUS=" + oneLine(status));
  }

  /**
   * The real binding when {@code NOTIFY_SOCKET} is set and {@code libsystemd.so.0} loads, otherwise a
   * no-op that says once in the log why nothing is sent.
   */
  static Notifier fromEnvironment() {
    return Notifiers.fromEnvironment(System.getenv());
  }

  /** A notifier that sends nothing. */
  static Notifier none() {
    return NoopNotifier.SILENT;
  }

  private static String oneLine(String s) {
    String flat = s.replace('\n', ' ').replace('\r', ' ');
    return flat.length() > 200 ? flat.substring(0, 199) + "…" : flat;
  }
}
