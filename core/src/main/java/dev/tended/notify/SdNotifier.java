package dev.tended.notify;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends through libsystemd's {@code sd_notify} (which reads {@code NOTIFY_SOCKET} itself and adds the
 * sender's credentials, so {@code NotifyAccess=main} works). A failed send is logged once per run
 * of failures, not per message: a ping every few seconds must not flood the log.
 */
final class SdNotifier implements Notifier {
  private static final Logger log = LoggerFactory.getLogger(SdNotifier.class);

  private final Optional<Duration> watchdog;
  private final AtomicBoolean failing = new AtomicBoolean();

  SdNotifier(Optional<Duration> watchdog) {
    this.watchdog = watchdog;
  }

  @Override
  public boolean send(String... assignments) {
    String message = String.join("\n", assignments);
    int rc;
    try {
      rc = LibSystemd.sd_notify(0, message);
    } catch (RuntimeException | LinkageError e) {
      rc = Integer.MIN_VALUE;
    }
    if (rc > 0) {
      if (failing.getAndSet(false)) {
        log.info("sd_notify_recovered");
      }
      return true;
    }
    if (!failing.getAndSet(true)) {
      log.warn("sd_notify_failed rc={} message=\"{}\"", rc, message.replace('\n', ' '));
    }
    return false;
  }

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public Optional<Duration> watchdogTimeout() {
    return watchdog;
  }
}
