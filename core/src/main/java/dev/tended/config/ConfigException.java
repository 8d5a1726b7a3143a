package dev.tended.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found, each naming the key's path and the
 * reason ({@code sources[1].pollInterval: "2x" is not a duration}). The daemons exit 78 on it.
 */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** Each problem on its own, in the order found. */
  public List<String> problems() {
    return problems;
  }
}
