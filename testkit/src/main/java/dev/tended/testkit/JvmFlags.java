package dev.tended.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of JVM options the jars are started with, under a short name (benchmark tables print it):
 * the tests' quick-start options, the JVM's defaults, or the launcher's {@code jvm.options}.
 *
 * @param name e.g. {@code tests}, {@code defaults} (the JVM's own ergonomics), {@code jvm.options}
 * @param args the options, placed before {@code -jar} or {@code -cp}
 */
public record JvmFlags(String name, List<String> args) {
  public JvmFlags {
    args = List.copyOf(args);
  }

  /**
   * What the integration tests start the jars with: a small heap, the serial collector and the
   * first JIT tier only, so that many short-lived JVMs start fast on a busy machine.
   */
  public static JvmFlags forTests() {
    return new JvmFlags("tests", List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
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

  /** {@code java <args> <rest...>} with the java that runs this JVM. */
  public List<String> command(List<String> rest) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(args);
    cmd.addAll(rest);
    return cmd;
  }

  /** The java running this JVM (tests, benchmark, fault suite): the jars run on the same one. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
