package dev.tended.testkit.postgres;

import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server of its own for a test: a fresh cluster made by Debian's {@code initdb} in a
 * folder the test gives (its {@code @TempDir}), run from Debian's {@code postgres} program as this
 * JVM's child on a free port of 127.0.0.1, with its unix socket inside that folder. It exists so that
 * the PostgreSQL ledger is tested against the real thing (no container, no mock) without touching any
 * cluster the machine runs: Debian's own cluster, if the package started one, keeps its port and its
 * folder. Tuned for tests, not for keeping data through a power cut ({@code fsync=off}).
 *
 * <p>{@link #stop()} and {@link #startAgain()} take the server down and bring it back with the same
 * data on the same port, for "the database is down for 20 s" tests. {@link #close()} stops it for
 * good and waits until no process of it is left; a shutdown hook kills it if the JVM exits first.
 * Under root (CI) the server's programs run as Debian's {@code postgres} user, which PostgreSQL
 * requires; the folder is handed to that user, so it must lie directly in a folder anyone may enter
 * (as a {@code @TempDir} does). {@link #startDurable} keeps PostgreSQL's own {@code fsync} and
 * {@code synchronous_commit}, for a benchmark that compares it with SQLite.
 *
 * <p>Thread-safe: the lifecycle methods are synchronized; the shutdown hook reads the server process
 * without the lock, so a wedged stop cannot keep it from killing the server.
 */
public final class PostgresServer implements AutoCloseable {
  /** The cluster's superuser; it needs no password (trust authentication). */
  public static final String USER = "tended";
  /** The database {@link #start} creates and {@link #jdbcUrl()} names. */
  public static final String DATABASE = "tended";

  private static final Duration INITDB_LIMIT = Duration.ofSeconds(120);
  private static final Duration READY_LIMIT = Duration.ofSeconds(60);
  private static final Duration FAST_STOP_LIMIT = Duration.ofSeconds(30);
  private static final Duration KILL_LIMIT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final PostgresBinaries binaries;
  private final ServerUser user;
  private final Path dir;
  private final int port;
  private final boolean durable;
  private final Thread killOnExit;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The running server, null while stopped. Written under the lock, read by the shutdown hook. */
  private volatile Process server;

  private PostgresServer(PostgresBinaries binaries, ServerUser user, Path dir, int port, boolean durable) {
    this.binaries = binaries;
    this.user = user;
    this.dir = dir;
    this.port = port;
    this.durable = durable;
    this.killOnExit = new Thread(this::killNow, "postgres-kill-on-exit");
  }

  /** Whether Debian's PostgreSQL server programs are installed ({@code /usr/lib/postgresql/<major>/bin}). */
  public static boolean installed() {
    return PostgresBinaries.find().isPresent();
  }

  /**
   * Makes a cluster in {@code dir} (created if missing; it must not hold one yet), starts it on a free
   * port of 127.0.0.1, waits until it accepts connections, and creates the database {@value #DATABASE}.
   *
   * @throws IOException when the programs are missing, or initdb or the server fails (the message
   *     carries the end of its log)
   */
  public static PostgresServer start(Path dir) throws IOException {
    return start(dir, false);
  }

  /**
   * {@link #start} with the server's default durability ({@code fsync=on}, {@code synchronous_commit=on}):
   * each commit waits for the disk, as in production, so that a benchmark measures what a deployment gets.
   */
  public static PostgresServer startDurable(Path dir) throws IOException {
    return start(dir, true);
  }

  private static PostgresServer start(Path dir, boolean durable) throws IOException {
    PostgresBinaries binaries = PostgresBinaries.find()
        .orElseThrow(() -> new IOException("no PostgreSQL server programs under /usr/lib/postgresql/*/bin"));
    Path folder = dir.toAbsolutePath();
    Files.createDirectories(folder.resolve("run"));
    ServerUser user = ServerUser.forThisJvm();
    user.own(folder);
    PostgresServer pg = new PostgresServer(binaries, user, folder, freePort(), durable);
    pg.initdb();
    Runtime.getRuntime().addShutdownHook(pg.killOnExit);
    try {
      pg.startAgain();
      pg.createDatabase(DATABASE);
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /** The JDBC URL of the database {@value #DATABASE}; connect as {@link #user()}, with no password. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** The TCP port on 127.0.0.1; the same after {@link #startAgain()}. */
  public int port() {
    return port;
  }

  /** The user to connect as ({@value #USER}); trust authentication, so any password or none. */
  public String user() {
    return USER;
  }

  /** The server's log (its stderr, appended to across restarts), for a failed test's report. */
  public Path logFile() {
    return dir.resolve("postgres.log");
  }

  /** The server's main process while it runs; its backends are that process's children. */
  public Optional<ProcessHandle> process() {
    Process p = server;
    return p == null ? Optional.empty() : Optional.of(p.toHandle());
  }

  /**
   * Creates the database {@code name} (lower-case letters, digits, underscores) and returns its JDBC URL,
   * so that each test can start from an empty one.
   */
  public String createDatabase(String name) throws IOException {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("database name " + name + ": want " + DATABASE_NAME.pattern());
    }
    try (Connection c = connect(jdbcUrl("postgres")); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IOException("CREATE DATABASE " + name + " on port " + port + ": " + e.getMessage(), e);
    }
    return jdbcUrl(name);
  }

  /**
   * Starts the stopped server again on the same data and port and waits until it accepts connections;
   * nothing when it runs.
   *
   * @throws IOException when it exits or does not accept connections within a minute (say, the port was
   *     taken while it was down)
   */
  public synchronized void startAgain() throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("PostgreSQL server in " + dir + " is closed");
    }
    if (server != null) {
      return;
    }
    List<String> args = new ArrayList<>(List.of(binaries.program("postgres"), "-D", dataDir().toString(),
        "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=" + dir.resolve("run")));
    if (!durable) {
      args.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
    }
    List<String> command = user.command(args);
    server = process(command, logFile()).start();
    awaitConnections();
  }

  /**
   * Stops the server (fast shutdown: clients are disconnected, the data is kept) and waits until it and
   * its backends have exited; kills what is left after the limits. Nothing when it is stopped.
   */
  public synchronized void stop() {
    Process p = server;
    if (p == null) {
      return;
    }
    List<ProcessHandle> backends = p.descendants().toList();
    try {
      signal(p, Signal.INT);
      if (!p.waitFor(FAST_STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        signal(p, Signal.QUIT);
        if (!p.waitFor(KILL_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(KILL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      for (ProcessHandle b : backends) {
        b.onExit().get(KILL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // a backend outlived its limit: killed below
    } finally {
      backends.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      server = null;
    }
  }

  /** Stops the server for good ({@link #stop()}); idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      stop();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs and finds nothing to kill
      }
    }
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private Path dataDir() {
    return dir.resolve("data");
  }

  private void initdb() throws IOException {
    Path log = dir.resolve("initdb.log");
    Process p = process(user.command(List.of(binaries.program("initdb"), "-D", dataDir().toString(),
        "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")), log)
        .start();
    try {
      if (!p.waitFor(INITDB_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("initdb " + dataDir() + " did not end within " + INITDB_LIMIT + ": " + tail(log));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while initdb ran in " + dataDir(), e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("initdb " + dataDir() + " exited with " + p.exitValue() + ": " + tail(log));
    }
  }

  /** The command in the cluster's folder with its output appended to {@code log}, no PG* variable passed on. */
  private ProcessBuilder process(List<String> command, Path log) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    return pb;
  }

  private void awaitConnections() throws IOException {
    Process p = server;
    long deadline = System.nanoTime() + READY_LIMIT.toNanos();
    SQLException last = null;
    while (System.nanoTime() - deadline < 0) {
      try {
        connect(jdbcUrl("postgres")).close();
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        if (p.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
          server = null;
          throw new IOException("postgres on port " + port + " exited with " + p.exitValue()
              + " before accepting connections: " + tail(logFile()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IOException("interrupted while waiting for postgres on port " + port, e);
      }
    }
    stop();
    throw new IOException("postgres on port " + port + " accepted no connection within " + READY_LIMIT + " ("
        + (last == null ? "no attempt" : last.getMessage()) + "): " + tail(logFile()));
  }

  private Connection connect(String url) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(url, props);
  }

  /** SIGQUIT (immediate shutdown: the server kills its backends), then SIGKILL: for the JVM's exit. */
  private void killNow() {
    Process p = server;
    if (p == null || !p.isAlive()) {
      return;
    }
    try {
      signal(p, Signal.QUIT);
      p.waitFor(KILL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static void signal(Process p, Signal signal) {
    if (p.isAlive()) {
      Signals.toProcess(p.pid(), signal);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
