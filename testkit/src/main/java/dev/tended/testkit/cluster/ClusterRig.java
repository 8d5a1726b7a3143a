package dev.tended.testkit.cluster;

import dev.tended.config.ConfigLoader;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerStores;
import dev.tended.ledger.LedgerView;
import dev.tended.testkit.Queues;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Several workers sharing one PostgreSQL ledger and one queue folder, as hosts of a cluster do, on
 * this machine: one database on a {@link PostgresServer}, one json-queue source ({@value #SOURCE})
 * in a shared folder, and {@code n1..nN}, each a {@link ClusterNode} with its own data folder and
 * configuration ({@code ledger.node}, a short lease per {@link ClusterSettings}) and its own handler
 * script that writes the {@linkplain RunAudit audit}. The cluster tests and the benchmark's cluster
 * section both build on it, so that "three nodes on one database" means the same in both.
 *
 * <p>Not thread-safe: owned by the test (or benchmark step) that made it. {@link #close()} kills
 * every node; the server belongs to the caller.
 */
public final class ClusterRig implements AutoCloseable {
  /** The one source every node runs. */
  public static final String SOURCE = "ideas";

  private final Path dir;
  private final PostgresServer server;
  private final String url;
  private final ClusterSettings settings;
  private final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
  private final List<String> offered = new ArrayList<>();

  private ClusterRig(Path dir, PostgresServer server, String url, ClusterSettings settings) {
    this.dir = dir;
    this.server = server;
    this.url = url;
    this.settings = settings;
  }

  /**
   * Writes the nodes' configurations and handlers under {@code dir} for the database {@code url} of
   * {@code server} (e.g. from {@link PostgresServer#createDatabase}); starts nothing.
   */
  public static ClusterRig create(Path dir, PostgresServer server, String url, ClusterSettings settings)
      throws IOException {
    Objects.requireNonNull(server);
    ClusterRig rig = new ClusterRig(dir.toAbsolutePath(), server, Objects.requireNonNull(url), settings);
    Files.createDirectories(rig.queueFolder());
    // trust authentication takes any password: the file is there to exercise ledger.passwordFile
    Path password = Files.writeString(rig.dir.resolve("ledger.password"), "not-checked-by-trust\n");
    for (int i = 1; i <= settings.nodes(); i++) {
      String name = "n" + i;
      TestConfig c = new TestConfig(rig.dir.resolve(name))
          .heartbeatInterval(millis(settings.heartbeat()))
          .supervisor("{ staleAfter: " + millis(settings.staleAfter()) + ", startupGrace: 30s, stopGrace: 4s }")
          .extra("ledger: { url: \"" + url + "\", user: " + server.user() + ", passwordFile: \"" + password
              + "\", node: " + name + " }\n" + settings.extraConfig());
      Path handler = c.script("handler.sh", rig.handlerScript(name));
      c.source(TestConfig.source("json-queue", SOURCE, rig.queueFile().toString(), millis(settings.pollInterval()),
          TestConfig.handler(handler, millis(settings.handlerTimeout()), "1s", ""),
          List.of("concurrency: " + settings.concurrency())));
      c.write();
      rig.nodes.put(name, new ClusterNode(name, c));
    }
    return rig;
  }

  private String handlerScript(String node) {
    String line = "printf '%s %s %s %s\\n' \"$TENDED_ITEM_ID\" \"$NODE\" \"$$\"";
    return "NODE=" + node + "\n"
        + "cat > /dev/null\n"
        + line + " start >> '" + auditFile() + "'\n"
        + settings.handlerBody() + "\n"
        + line + " done >> '" + auditFile() + "'\n"
        + "exit 0";
  }

  public ClusterSettings settings() {
    return settings;
  }

  public PostgresServer server() {
    return server;
  }

  /** The folder every node reads its queue from. */
  public Path queueFolder() {
    return dir.resolve("queues");
  }

  public Path queueFile() {
    return queueFolder().resolve("ideas_log.json");
  }

  /** The file every node's handlers append their runs to. */
  public Path auditFile() {
    return dir.resolve("audit.log");
  }

  /** A folder beside the nodes for a test's own files (gates a handler waits for). */
  public Path dir() {
    return dir;
  }

  public List<ClusterNode> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The node {@code n1..nN}. */
  public ClusterNode node(String name) {
    ClusterNode n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name + " in " + nodes.keySet());
    }
    return n;
  }

  /** Starts every node that is not running. */
  public ClusterRig startAll() throws IOException {
    for (ClusterNode n : nodes.values()) {
      if (!n.alive()) {
        n.start();
      }
    }
    return this;
  }

  /** Starts every node that is not running with the command {@code command} gives for its configuration file. */
  public ClusterRig startAll(Function<Path, List<String>> command) throws IOException {
    for (ClusterNode n : nodes.values()) {
      if (!n.alive()) {
        n.start(command.apply(n.config().file()));
      }
    }
    return this;
  }

  /** Waits until every running node's worker beats (its status file says running, with its pid). */
  public void awaitBeating(Duration limit) throws TimeoutException, InterruptedException {
    for (ClusterNode n : nodes.values()) {
      if (n.alive()) {
        n.status().await(StatusProbe.beatOf(n.worker().pid()), limit);
      }
    }
  }

  /**
   * Adds items {@code prefix<from>..prefix<to-1>} to the queue: the file is rewritten with every item
   * offered so far, atomically, as a producer replaces it.
   */
  public void offer(String prefix, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      offered.add("{\"id\": \"" + prefix + i + "\", \"title\": \"idea " + i + "\"}");
    }
    Queues.replaceAtomically(queueFile(), "[\n  " + String.join(",\n  ", offered) + "\n]\n");
  }

  /** The ids {@code prefix<from>..prefix<to-1>}. */
  public static List<String> ids(String prefix, int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add(prefix + i);
    }
    return Collections.unmodifiableList(ids);
  }

  /** A read-only view of the shared ledger, as any node's operator commands open it; the caller closes it. */
  public LedgerView view() {
    try {
      return LedgerStores.of(ConfigLoader.load(nodes.values().iterator().next().config().file())).openView();
    } catch (dev.tended.config.ConfigException e) {
      throw new IllegalStateException("the rig's own configuration does not load: " + e.getMessage(), e);
    }
  }

  /** How many items of the source are in {@code state}, read from the shared ledger. */
  public long count(ItemState state) {
    try (LedgerView v = view()) {
      return v.counts(SOURCE).get(state);
    }
  }

  /** The handlers' runs so far. */
  public RunAudit audit() throws IOException {
    return RunAudit.read(auditFile());
  }

  /**
   * Waits until {@code succeeded} items of the source have succeeded, for as long as the work moves:
   * gives up only when the count of finished items has not grown for {@code stall}, so a busy machine
   * makes the wait longer instead of failing it. Returns {@link System#nanoTime()} when it was seen.
   */
  public long awaitSucceeded(long succeeded, Duration stall) throws TimeoutException, InterruptedException {
    long best = -1;
    long movedAt = System.nanoTime();
    while (System.nanoTime() - movedAt < stall.toNanos()) {
      long now;
      try {
        now = count(ItemState.SUCCEEDED);
      } catch (RuntimeException e) {
        now = best; // the database is away (a test stopped it): no progress, not a failure
      }
      if (now >= succeeded) {
        return System.nanoTime();
      }
      if (now > best) {
        best = now;
        movedAt = System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new TimeoutException("only " + best + " of " + succeeded + " items succeeded, none more for " + stall);
  }

  /** The end of every node's log and of the server's, for a failed test's message. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (ClusterNode n : nodes.values()) {
      try {
        b.append(n.logTail(40)).append('\n');
      } catch (IOException e) {
        b.append(n.name()).append(": log unreadable: ").append(e.getMessage()).append('\n');
      }
    }
    try {
      List<String> pg = Files.readAllLines(server.logFile());
      b.append("--- postgres ---\n").append(String.join("\n", pg.subList(Math.max(0, pg.size() - 20), pg.size())));
    } catch (IOException e) {
      b.append("postgres log unreadable: ").append(e.getMessage());
    }
    return b.toString();
  }

  /** Kills every node (the server is the caller's). */
  @Override
  public void close() {
    nodes.values().forEach(ClusterNode::close);
  }

  private static String millis(Duration d) {
    return d.toMillis() + "ms";
  }
}
