package dev.tended.ledger;

import dev.tended.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server for the stepped-clock suites (retention, statistics) that run on SQLite in
 * core and here again on PostgreSQL: started by the first test that needs it, a fresh database per
 * test, stopped when the JVM ends (its folder is a temporary one of its own).
 */
final class PostgresSteppedLedgers {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer server;

  private PostgresSteppedLedgers() {}

  /** A store on a new, empty database. */
  static synchronized LedgerStore freshStore() throws IOException {
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
    String url = server.createDatabase("stepped_" + DATABASES.incrementAndGet());
    return PostgresLedgerStore.at(url, server.user(), "");
  }

  static boolean available() {
    return PostgresServer.installed();
  }
}
