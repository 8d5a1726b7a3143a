package dev.tended.testkit;

import dev.tended.notify.Notifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A notifier that keeps every message, standing in for systemd in unit tests. */
public final class RecordingNotifier implements Notifier {
  private final List<List<String>> sent = new CopyOnWriteArrayList<>();
  private final Optional<Duration> watchdog;

  public RecordingNotifier(Duration watchdog) {
    this.watchdog = Optional.ofNullable(watchdog);
  }

  @Override
  public boolean send(String... assignments) {
    sent.add(List.of(assignments));
    return true;
  }

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public Optional<Duration> watchdogTimeout() {
    return watchdog;
  }

  /** Every line sent so far, flattened. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    sent.forEach(out::addAll);
    return out;
  }

  public long count(String line) {
    return lines().stream().filter(line::equals).count();
  }
}
