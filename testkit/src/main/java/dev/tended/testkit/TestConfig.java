package dev.tended.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a tended YAML configuration and handler scripts in a test's (or a benchmark's, or a fault
 * scenario's) folder, with short timings so tests run in seconds: {@code dataDir} is {@code <dir>/data}.
 * Not thread-safe; one per folder.
 */
public final class TestConfig {
  private final Path dir;
  private final List<String> sources = new ArrayList<>();
  private String heartbeatInterval = "300ms";
  private String supervisor = "{ staleAfter: 3s, startupGrace: 20s, stopGrace: 4s }";
  private String extraTopLevel = "";

  public TestConfig(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Path statusFile() {
    return dataDir().resolve("status.json");
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path file() {
    return dir.resolve("tended.yaml");
  }

  /** Adds a source as a YAML mapping body (without the leading dash), e.g. from {@link #jsonQueue}. */
  public TestConfig source(String yamlBody) {
    sources.add(yamlBody);
    return this;
  }

  public TestConfig heartbeatInterval(String d) {
    heartbeatInterval = d;
    return this;
  }

  /** The supervisor section as a flow mapping, e.g. {@code { staleAfter: 3s }}. */
  public TestConfig supervisor(String flow) {
    supervisor = flow;
    return this;
  }

  /** More top-level YAML after the supervisor section, e.g. a {@code logging:} section. */
  public TestConfig extra(String yaml) {
    extraTopLevel = yaml;
    return this;
  }

  /**
   * Adds a json-queue source whose handler may take a minute and is never retried early: what the
   * benchmark measures with.
   */
  public TestConfig addJsonQueue(String name, String path, String pollInterval, int concurrency, Path handler) {
    return source(source("json-queue", name, path, pollInterval, handler(handler, "60s", "1s", ""),
        List.of("concurrency: " + concurrency)));
  }

  /** Adds a directory source, its handler as in {@link #addJsonQueue}. */
  public TestConfig addDirectory(String name, String path, String pollInterval, Path handler) {
    return source(source("directory", name, path, pollInterval, handler(handler, "60s", "1s", ""), List.of()));
  }

  /** A json-queue source body with the given handler script and extra lines (already indented 4). */
  public static String jsonQueue(String name, String path, Path handler, String extra) {
    return source("json-queue", name, path, "200ms", handler(handler, "20s", "1s", ""),
        List.of("retry: { maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s }")) + extra;
  }

  /**
   * A source body of any type: {@code lines} (e.g. {@code concurrency: 2}, a {@code retry:} mapping)
   * follow the common keys, each on its own line.
   */
  public static String source(String type, String name, String path, String pollInterval, String handler,
      List<String> lines) {
    StringBuilder b = new StringBuilder("name: ").append(name).append('\n');
    List<String> keys = new ArrayList<>(List.of("type: " + type, "path: " + path, "pollInterval: " + pollInterval,
        "handler: " + handler));
    keys.addAll(lines);
    for (String k : keys) {
      b.append("    ").append(k).append('\n');
    }
    return b.toString();
  }

  /** A handler flow mapping: {@code { command: ["cmd"], timeout: T, killGrace: G<more> }}. */
  public static String handler(Path command, String timeout, String killGrace, String more) {
    return "{ command: " + jsonList(List.of(command.toString())) + ", timeout: " + timeout + ", killGrace: "
        + killGrace + more + " }";
  }

  /** {@code values} as a YAML flow sequence of quoted strings, e.g. for {@code workerCommand}. */
  public static String jsonList(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (String v : values) {
      b.append(b.length() > 1 ? ", " : "").append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append(']').toString();
  }

  /** A directory source body with extra lines (already indented 4). */
  public static String directory(String name, String path, Path handler, String extra) {
    return source("directory", name, path, "200ms", handler(handler, "20s", "1s", ""), List.of()) + extra;
  }

  /** Writes the YAML file and creates the data folder. */
  public Path write() throws IOException {
    Files.createDirectories(dataDir());
    StringBuilder y = new StringBuilder();
    y.append("dataDir: ").append(dataDir()).append('\n');
    y.append("heartbeat: { file: status.json, interval: ").append(heartbeatInterval).append(" }\n");
    y.append("sources:\n");
    for (String s : sources) {
      y.append("  - ").append(s.stripTrailing()).append('\n');
    }
    y.append("supervisor: ").append(supervisor).append('\n');
    y.append(extraTopLevel);
    Files.writeString(file(), y.toString());
    return file();
  }

  /** Writes an executable {@code /bin/sh} script {@code name} with {@code body} into the test folder. */
  public Path script(String name, String body) throws IOException {
    return executable(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
  }

  /** Writes {@code text} to {@code file} (creating its folder) and makes it executable. */
  public static Path executable(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
