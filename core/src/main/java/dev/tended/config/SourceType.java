package dev.tended.config;

/** The kinds of queue tended can read. */
public enum SourceType {
  /** A JSON array, an object holding one array, or JSON Lines. */
  JSON_QUEUE("json-queue"),
  /** Every entry directly under a folder is an item. */
  DIRECTORY("directory");

  private final String configName;

  SourceType(String configName) {
    this.configName = configName;
  }

  /** The name used in the YAML file. */
  public String configName() {
    return configName;
  }
}
