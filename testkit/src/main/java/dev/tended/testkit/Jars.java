package dev.tended.testkit;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where the product's jars and files are, so that every test, benchmark and fault scenario starts the
 * same builds: the system properties the build sets ({@value #WORKER_JAR_PROPERTY}, {@value
 * #SUPERVISOR_JAR_PROPERTY}; failsafe passes them to the integration tests), else the build's own
 * output under the source tree's root ({@code worker/target/tended-worker.jar}, ...). The root is
 * {@value #ROOT_PROPERTY} when set, else the nearest folder at or above the working directory that
 * holds {@code worker/pom.xml} and {@code testkit/pom.xml}.
 *
 * @param root the source tree
 * @param worker the worker jar (it may not exist yet: {@link #requireWorker()} says so clearly)
 * @param supervisor the supervisor jar, when built
 * @param jvmOptions {@code deploy/jvm.options}, the options the launcher gives both daemons
 * @param launcher {@code deploy/bin/tended}, which runs the source tree's jars as an installed system does
 */
public record Jars(Path root, Path worker, Optional<Path> supervisor, Path jvmOptions, Path launcher) {
  /** The source tree's root, when not found from the working directory. */
  public static final String ROOT_PROPERTY = "tended.root";
  /** The worker jar to run. */
  public static final String WORKER_JAR_PROPERTY = "tended.workerJar";
  /** The supervisor jar to run. */
  public static final String SUPERVISOR_JAR_PROPERTY = "tended.supervisorJar";
  /** The test kit's jar or classes folder to put on a faultable worker's class path. */
  public static final String TESTKIT_PROPERTY = "tended.testkit";

  private static final String WORKER_BUILT = "worker/target/tended-worker.jar";
  private static final String SUPERVISOR_BUILT = "supervisor/target/tended-supervisor.jar";

  /**
   * The jars this JVM was told about, or the build's under the source tree found from the working
   * directory (or the working directory itself, when there is none and the properties name the jars).
   */
  public static Jars find() {
    Path cwd = Path.of("").toAbsolutePath();
    Path root = property(ROOT_PROPERTY).or(() -> sourceTreeAt(cwd)).orElse(cwd);
    return under(root, property(WORKER_JAR_PROPERTY), property(SUPERVISOR_JAR_PROPERTY));
  }

  /** The jars built under {@code root}; {@code workerOverride} measures another worker jar. */
  public static Jars under(Path root, Optional<Path> workerOverride) {
    return under(root, workerOverride, Optional.empty());
  }

  private static Jars under(Path root, Optional<Path> workerOverride, Optional<Path> supervisorOverride) {
    Path r = root.toAbsolutePath().normalize();
    Path worker = workerOverride.orElse(r.resolve(WORKER_BUILT)).toAbsolutePath();
    Path supervisor = supervisorOverride.orElse(r.resolve(SUPERVISOR_BUILT)).toAbsolutePath();
    return new Jars(r, worker, Files.isRegularFile(supervisor) ? Optional.of(supervisor) : Optional.empty(),
        r.resolve("deploy/jvm.options"), r.resolve("deploy/bin/tended"));
  }

  private static Optional<Path> property(String name) {
    return Optional.ofNullable(System.getProperty(name)).filter(v -> !v.isBlank()).map(Path::of);
  }

  /** The source tree's root: {@value #ROOT_PROPERTY}, else found at or above the working directory. */
  public static Path sourceTree() {
    Path cwd = Path.of("").toAbsolutePath();
    return property(ROOT_PROPERTY).map(p -> p.toAbsolutePath().normalize()).or(() -> sourceTreeAt(cwd))
        .orElseThrow(() -> new IllegalStateException("no tended source tree at or above " + cwd + " (set -D"
            + ROOT_PROPERTY + ")"));
  }

  /** The nearest folder at or above {@code start} holding {@code worker/pom.xml} and {@code testkit/pom.xml}. */
  static Optional<Path> sourceTreeAt(Path start) {
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("worker/pom.xml")) && Files.isRegularFile(p.resolve("testkit/pom.xml"))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The worker jar, which must have been built. */
  public Path requireWorker() {
    if (!Files.isRegularFile(worker)) {
      throw new IllegalStateException("no worker jar at " + worker + ": build first (mvn -B package -DskipTests)");
    }
    return worker;
  }

  /** The supervisor jar, which must have been built. */
  public Path requireSupervisor() {
    return supervisor.orElseThrow(() -> new IllegalStateException("no supervisor jar at " + root.resolve(
        SUPERVISOR_BUILT) + ": build first (mvn -B package -DskipTests)"));
  }

  /**
   * The class path of a worker the test kit's faults can reach: {@code workerJar}, then what holds the
   * kit's fault classes and their service files, and nothing else (a second copy of the engine or of
   * the logging configuration would shadow or clash with the worker's own).
   */
  public static String faultableClassPath(Path workerJar) {
    return workerJar + File.pathSeparator + testkit();
  }

  /**
   * The test kit's own jar or classes folder: {@value #TESTKIT_PROPERTY} when set; else where this class
   * was loaded from, when that holds the kit alone (its jar in a Maven build, its classes folder in an
   * IDE); else, when the kit was shaded into a tool's jar with everything else, the kit's jar in the
   * build ({@code testkit/target/tended-testkit-*.jar}).
   */
  public static String testkit() {
    Optional<Path> set = property(TESTKIT_PROPERTY);
    if (set.isPresent()) {
      return set.get().toString();
    }
    Optional<Path> own = ownLocation();
    if (own.isPresent() && holdsTheKitAlone(own.get())) {
      return own.get().toString();
    }
    Path target = sourceTree().resolve("testkit/target");
    Optional<Path> built = builtKitJar(target);
    if (built.isPresent()) {
      return built.get().toString();
    }
    throw new IllegalStateException("no test kit jar in " + target + " (build it: mvn -B package -DskipTests -pl "
        + "testkit -am), and this kit was loaded from " + own.map(Path::toString).orElse("nowhere known")
        + ", which holds more than the kit");
  }

  private static Optional<Path> ownLocation() {
    try {
      var source = Jars.class.getProtectionDomain().getCodeSource();
      return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** A classes folder, or a jar named for the kit: not a shaded jar that also holds the worker. */
  static boolean holdsTheKitAlone(Path location) {
    return Files.isDirectory(location) || location.getFileName().toString().startsWith("tended-testkit");
  }

  static Optional<Path> builtKitJar(Path target) {
    if (!Files.isDirectory(target)) {
      return Optional.empty();
    }
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(target, "tended-testkit-*.jar")) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.endsWith("-sources.jar") && !n.endsWith("-javadoc.jar") && !n.endsWith("-tests.jar")) {
          jars.add(p);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return jars.stream().max(Comparator.comparingLong(Jars::modified));
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
