package dev.tended.ledger;

import dev.tended.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server for every ledger suite here (the contract, retention, statistics, leases):
 * started by the first test that needs it, a fresh database per test, stopped and its temporary
 * folder removed when the JVM ends. The suites run one after another, so one of them may stop and
 * start it again ({@link PostgresServer#stop}, {@link PostgresServer#startAgain}).
 */
final class TestDatabases {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer server;

  private TestDatabases() {}

  /** A store on a new, empty database. */
  static LedgerStore freshStore() throws IOException {
    return PostgresLedgerStore.at(freshUrl(), server().user(), "");
  }

  /** The URL of a new, empty database. */
  static String freshUrl() throws IOException {
    return server().createDatabase("ledger_" + DATABASES.incrementAndGet());
  }

  /** The server, started on first use. */
  static synchronized PostgresServer server() throws IOException {
    if (server == null) {
      Path dir = java.nio.file.Files.createTempDirectory("tended-pg-stepped");
      server = PostgresServer.start(dir);
      PostgresServer started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.close();
        try (var files = java.nio.file.Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
          // a temporary folder: the system cleans it at the latest
        }
      }));
    }
    return server;
  }

  static boolean available() {
    return PostgresServer.installed();
  }
}
