package dev.tended.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of JVM options the jars are started with, under a short name for the table.
 *
 * @param name {@code defaults} (the JVM's own ergonomics) or {@code jvm.options} (the launcher's file)
 * @param args the options, placed before {@code -jar}
 */
public record JvmFlags(String name, List<String> args) {
  public JvmFlags {
    args = List.copyOf(args);
  }

  /** No options at all: what {@code java -jar} does on this machine. */
  public static JvmFlags defaults() {
    return new JvmFlags("defaults", List.of());
  }

  /** The launcher's options file as a java {@code @argfile}. */
  public static JvmFlags optionsFile(Path file) {
    return new JvmFlags("jvm.options", List.of("@" + file.toAbsolutePath()));
  }

  /** These options and more, under another name. */
  public JvmFlags plus(String newName, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return new JvmFlags(newName, all);
  }

  /** {@code java <args> <rest...>} with the java that runs the benchmark. */
  public List<String> command(List<String> rest) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(args);
    cmd.addAll(rest);
    return cmd;
  }

  /** The java running the benchmark; the jars run on the same one. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
