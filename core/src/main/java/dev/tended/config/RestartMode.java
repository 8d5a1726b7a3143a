package dev.tended.config;

/** How the supervisor brings a dead or stalled worker back. */
public enum RestartMode {
  /** The supervisor runs the worker as its own child process. */
  CHILD("child"),
  /** The worker is a systemd unit of its own; the supervisor runs {@code systemctl restart}. */
  SYSTEMCTL("systemctl");

  private final String configName;

  RestartMode(String configName) {
    this.configName = configName;
  }

  /** The name used in the YAML file. */
  public String configName() {
    return configName;
  }
}
