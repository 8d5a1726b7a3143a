package dev.tended.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a tended YAML configuration and handler scripts in a test's folder, with short timings so
 * tests run in seconds: {@code dataDir} is {@code <dir>/data}.
 */
public final class TestConfig {
  private final Path dir;
  private final List<String> sources = new ArrayList<>();
  private String heartbeatInterval = "300ms";
  private String supervisor = "{ staleAfter: 3s, startupGrace: 20s, stopGrace: 4s }";

  public TestConfig(Path dir) {
    this.dir = dir;
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

  /** A json-queue source body with the given handler script and extra lines (already indented 4). */
  public static String jsonQueue(String name, String path, Path handler, String extra) {
    return """
        name: %s
            type: json-queue
            path: %s
            pollInterval: 200ms
            handler: { command: ["%s"], timeout: 20s, killGrace: 1s }
            retry: { maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s }
        %s""".formatted(name, path, handler, extra);
  }

  /** {@code values} as a YAML flow sequence of quoted strings, e.g. for {@code workerCommand}. */
  public static String jsonList(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (String v : values) {
      b.append(b.length() > 1 ? ", " : "").append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append(']').toString();
  }

  /** A directory source body. */
  public static String directory(String name, String path, Path handler, String extra) {
    return """
        name: %s
            type: directory
            path: %s
            pollInterval: 200ms
            handler: { command: ["%s"], timeout: 20s, killGrace: 1s }
        %s""".formatted(name, path, handler, extra);
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
    Files.writeString(file(), y.toString());
    return file();
  }

  /** Writes an executable {@code /bin/sh} script {@code name} with {@code body} into the test folder. */
  public Path script(String name, String body) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }
}
