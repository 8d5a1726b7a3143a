package dev.tended.supervisor.web;

import com.sun.net.httpserver.HttpServer;
import dev.tended.ledger.LedgerStores;
import dev.tended.config.TendedConfig;
import dev.tended.config.WebConfig;
import dev.tended.control.ControlAction;
import dev.tended.control.ControlFolder;
import dev.tended.supervisor.control.OperatorRequests;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tended web}: the dashboard's HTTP server on the JDK's own {@code com.sun.net.httpserver}
 * (module {@code jdk.httpserver}: maintained with the JDK, no dependency, enough for a handful of routes
 * and a page polled every two seconds). Reads the ledger read-only, {@code status.json},
 * {@code supervisor-state.json} and the stall records; acts only through the control folder, as the
 * commands do. One lifecycle: {@link #start()} binds and starts the sampler, {@link #stop()} stops
 * both within about a second, whatever requests are in flight.
 *
 * <p>Owned by the thread that starts and stops it; requests run on its {@code web-http-N} threads,
 * the charts' samples on {@code web-samples}.
 */
public final class WebServer {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  /** How many requests are served at once (the page makes a few every two seconds). */
  private static final int THREADS = 4;
  /** How long an action waits for the worker's answer before it says "accepted". */
  static final Duration ACTION_WAIT = Duration.ofSeconds(5);

  private final TendedConfig config;
  private final WebConfig web;
  private final Clock clock;
  private final Duration sampleEvery;
  private final Duration actionWait;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private HttpServer server;
  private ExecutorService threads;
  private LedgerReads ledger;
  private FlowSamples samples;

  /**
   * @param config the installation
   * @param web where to listen and the token file ({@code config.web()}, or {@code --listen}'s)
   * @param sampleEvery how often the charts sample the ledger ({@link FlowSamples#EVERY} in production)
   * @param actionWait how long an action waits for the worker's answer ({@link #ACTION_WAIT} in production)
   */
  public WebServer(TendedConfig config, WebConfig web, Clock clock, Duration sampleEvery, Duration actionWait) {
    this.config = Objects.requireNonNull(config);
    this.web = Objects.requireNonNull(web);
    this.clock = Objects.requireNonNull(clock);
    this.sampleEvery = Objects.requireNonNull(sampleEvery);
    this.actionWait = Objects.requireNonNull(actionWait);
  }

  /** A server with the production intervals. */
  public WebServer(TendedConfig config, WebConfig web) {
    this(config, web, Clock.systemUTC(), FlowSamples.EVERY, ACTION_WAIT);
  }

  /**
   * Binds the address and starts serving.
   *
   * @throws IOException when the address cannot be bound (in use, not this host's)
   */
  public void start() throws IOException {
    ledger = new LedgerReads(LedgerStores.of(config));
    samples = new FlowSamples(() -> ledger.read(l -> l.attemptStats()).orElse(Map.of()), clock, sampleEvery);
    server = HttpServer.create(new InetSocketAddress(web.host(), web.port()), 16);
    AtomicInteger n = new AtomicInteger();
    threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "web-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", new Router(routes(),
        new RequestGuard(web, server.getAddress().getPort()), new TokenFile(web.tokenFile())));
    samples.start();
    server.start();
    if (!web.loopback()) {
      log.warn("web_listening_not_loopback address={} hint=\"anyone who reaches this address sees the dashboard;"
          + " actions still need the token\"", address());
    }
    log.info("web_listening address={} token_file={} config={}", address(), web.tokenFile(), config.configFile());
  }

  private Map<String, Router.Entry> routes() {
    OperatorRequests requests = new OperatorRequests(new ControlFolder(config.controlDir()));
    Map<String, Router.Entry> r = new LinkedHashMap<>();
    PageAssets.routes().forEach((path, route) -> r.put(path, Router.Entry.page(route)));
    r.put("/healthz", Router.Entry.read(new HealthRoute(config.configFile(), clock)));
    r.put("/metrics", Router.Entry.read(new MetricsRoute(config, clock)));
    r.put("/api/status", Router.Entry.read(new StatusRoute(config, ledger, clock)));
    r.put("/api/item", Router.Entry.read(new ItemRoute(config, ledger)));
    r.put("/api/board", Router.Entry.read(new BoardRoute(config, ledger, samples, clock)));
    r.put("/api/stalls", Router.Entry.read(new StallRecords(config.diagnosticsDir())));
    for (ControlAction a : new ControlAction[] {ControlAction.RETRY, ControlAction.CANCEL, ControlAction.PAUSE,
        ControlAction.RESUME}) {
      r.put("/api/" + a.wireName(), Router.Entry.action(new ActionRoute(a, config, ledger, requests, clock, actionWait)));
    }
    return r;
  }

  /** {@code host:port} as bound (the port chosen by the system when 0 was asked). */
  public String address() {
    int port = server == null ? web.port() : server.getAddress().getPort();
    return new WebConfig.Listen(web.host(), port).toString();
  }

  /** Stops serving: in-flight requests get up to a second, then the threads are stopped. Idempotent. */
  public void stop() {
    if (stopped.getAndSet(true) || server == null) {
      return;
    }
    try {
      server.stop(1);
      samples.stop();
      threads.shutdownNow();
      if (!threads.awaitTermination(1, TimeUnit.SECONDS)) {
        log.warn("web_stop_timeout waited_ms=1000 threads=web-http");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ledger.close();
      log.info("web_stopped address={}", address());
    }
  }
}
