package dev.tended.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every test class on a real PostgreSQL needs, in one place: a {@link PostgresServer} for the
 * class (started before its first test in a temporary folder, removed after its last; the class is
 * skipped where Debian's {@code postgresql} is not installed) and a fresh, empty database for each
 * test, on a server started again first (a test that stopped it and failed leaves it down). Register
 * it on a static field: {@code @RegisterExtension static final PostgresDatabases PG = new
 * PostgresDatabases("keeper");}.
 *
 * <p>Its state is the class's: one thread of JUnit's at a time.
 */
public final class PostgresDatabases implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final String prefix;
  private final AtomicInteger made = new AtomicInteger();
  private Path dir;
  private PostgresServer server;
  private String url;

  /** @param prefix the start of each database's name, e.g. {@code keeper} for {@code keeper_1} */
  public PostgresDatabases(String prefix) {
    this.prefix = Objects.requireNonNull(prefix);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    Assumptions.assumeTrue(PostgresServer.installed(), "no PostgreSQL server programs (Debian's postgresql)");
    dir = Files.createTempDirectory("tended-pg-" + prefix);
    server = PostgresServer.start(dir);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    server.startAgain();
    url = server.createDatabase(prefix + "_" + made.incrementAndGet());
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(PostgresDatabases::delete);
      }
      dir = null;
    }
  }

  /** The class's server, e.g. to stop it and start it again. */
  public PostgresServer server() {
    return Objects.requireNonNull(server, "the server starts before the class's first test");
  }

  /** The JDBC URL of the current test's database. */
  public String url() {
    return Objects.requireNonNull(url, "each test's database is made before it runs");
  }

  /** The role every database belongs to. */
  public String user() {
    return server().user();
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the server's folder: " + p, e);
    }
  }
}
