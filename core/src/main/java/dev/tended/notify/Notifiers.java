package dev.tended.notify;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the notifier from the environment, the way sd_notify(3) and sd_watchdog_enabled(3) do. */
final class Notifiers {
  private static final Logger log = LoggerFactory.getLogger(Notifiers.class);

  private Notifiers() {}

  static Notifier fromEnvironment(Map<String, String> env) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty()) {
      log.info("sd_notify_off reason=\"NOTIFY_SOCKET is not set: not run by systemd as Type=notify\"");
      return NoopNotifier.SILENT;
    }
    String problem = LibSystemd.load();
    if (problem != null) {
      log.warn("sd_notify_off reason=\"{} cannot be loaded\" error=\"{}\"", LibSystemd.LIBRARY, problem);
      return NoopNotifier.SILENT;
    }
    Optional<Duration> watchdog = watchdogTimeout(env, ProcessHandle.current().pid());
    log.info("sd_notify_on socket={} watchdog_ms={}", socket, watchdog.map(Duration::toMillis).orElse(0L));
    return new SdNotifier(watchdog);
  }

  /** {@code WATCHDOG_USEC}, when set, positive and meant for this process ({@code WATCHDOG_PID}). */
  static Optional<Duration> watchdogTimeout(Map<String, String> env, long pid) {
    String usec = env.get("WATCHDOG_USEC");
    String forPid = env.get("WATCHDOG_PID");
    if (usec == null || (forPid != null && !forPid.equals(Long.toString(pid)))) {
      return Optional.empty();
    }
    try {
      long us = Long.parseLong(usec.trim());
      return us > 0 ? Optional.of(Duration.ofNanos(us * 1000)) : Optional.empty();
    } catch (NumberFormatException e) {
      log.warn("watchdog_usec_invalid value=\"{}\"", usec);
      return Optional.empty();
    }
  }
}
