package dev.tended.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a tended YAML configuration and handler scripts into a benchmark's own folder; the data
 * folder is {@code <dir>/data}. Not thread-safe; one per rig.
 */
public final class RigConfig {
  private final Path dir;
  private final List<String> sources = new ArrayList<>();
  private String heartbeatInterval = "5s";
  private String supervisor = "{ staleAfter: 10s, startupGrace: 20s, stopGrace: 4s }";

  public RigConfig(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path file() {
    return dir.resolve("tended.yaml");
  }

  public Path statusFile() {
    return dataDir().resolve("status.json");
  }

  public RigConfig heartbeatInterval(String d) {
    heartbeatInterval = d;
    return this;
  }

  /** The supervisor section as a YAML flow mapping. */
  public RigConfig supervisor(String flow) {
    supervisor = flow;
    return this;
  }

  /** A json-queue source. */
  public RigConfig jsonQueue(String name, String path, String pollInterval, int concurrency, Path handler) {
    sources.add("""
        name: %s
            type: json-queue
            path: %s
            pollInterval: %s
            concurrency: %d
            handler: { command: ["%s"], timeout: 60s, killGrace: 1s }
        """.formatted(name, path, pollInterval, concurrency, handler));
    return this;
  }

  /** A directory source. */
  public RigConfig directory(String name, String path, String pollInterval, Path handler) {
    sources.add("""
        name: %s
            type: directory
            path: %s
            pollInterval: %s
            handler: { command: ["%s"], timeout: 60s, killGrace: 1s }
        """.formatted(name, path, pollInterval, handler));
    return this;
  }

  /** Writes the YAML file and creates the data folder; returns the file. */
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

  /** Writes an executable {@code /bin/sh} script into the rig's folder. */
  public Path script(String name, String body) throws IOException {
    return executable(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
  }

  /** Writes {@code text} to {@code file} and makes it executable. */
  public static Path executable(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
