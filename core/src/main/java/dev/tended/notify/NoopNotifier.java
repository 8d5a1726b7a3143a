package dev.tended.notify;

import java.time.Duration;
import java.util.Optional;

/** Sends nothing: the notifier outside systemd or without libsystemd (the reason is logged once). */
final class NoopNotifier implements Notifier {
  static final NoopNotifier SILENT = new NoopNotifier();

  @Override
  public boolean send(String... assignments) {
    return false;
  }

  @Override
  public boolean active() {
    return false;
  }

  @Override
  public Optional<Duration> watchdogTimeout() {
    return Optional.empty();
  }
}
