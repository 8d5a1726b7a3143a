package dev.tended.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds out whether a handler's program can be executed, the way {@code execvp} would look for it:
 * when the configuration is loaded (so {@code --check-config} and a start refuse a missing or
 * non-executable program), and again before each attempt, because the handler is started through
 * {@code setsid}: Java then starts {@code setsid} fine, and a program removed since would otherwise
 * show up only as exit 127 with a message on stderr.
 */
public final class ProgramCheck {
  private ProgramCheck() {}

  /**
   * Why {@code program} cannot be run, or empty when it looks runnable.
   *
   * @param path the {@code PATH} the handler will see, used when the program has no slash
   */
  public static Optional<String> problem(String program, Path workingDir, String path) {
    if (program.indexOf('/') >= 0) {
      return problemWith(workingDir.resolve(program), program);
    }
    String search = path == null || path.isEmpty() ? "/usr/bin:/bin" : path;
    for (String dir : search.split(File.pathSeparator, -1)) {
      Path candidate = workingDir.resolve(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.empty();
      }
    }
    return Optional.of("not found on PATH: " + program);
  }

  /** The {@code PATH} a handler sees: the daemon's own unless the request overrides it. */
  public static String effectivePath(Map<String, String> overrides) {
    return overrides.getOrDefault("PATH", System.getenv("PATH"));
  }

  private static Optional<String> problemWith(Path file, String program) {
    if (!Files.exists(file)) {
      return Optional.of("no such file: " + program);
    }
    if (!Files.isRegularFile(file)) {
      return Optional.of("not a regular file: " + program);
    }
    if (!Files.isExecutable(file)) {
      return Optional.of("not executable: " + program);
    }
    return Optional.empty();
  }
}
