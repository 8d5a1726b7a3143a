package dev.tended.supervisor.cli;

import dev.tended.config.TendedConfig;
import dev.tended.config.WebConfig;
import dev.tended.logging.JournalStream;
import dev.tended.logging.LogSetup;
import dev.tended.notify.Notifier;
import dev.tended.posix.DaemonSignals;
import dev.tended.supervisor.web.WebServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tended web --config FILE [--listen HOST:PORT]}: the dashboard ({@link WebServer}) until
 * SIGTERM or SIGINT. Logs to stdout only (the journal): its unit has the data folder read-only.
 * Tells systemd {@code READY=1} once it listens when run as a {@code Type=notify} unit.
 */
@Command(name = "web", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = {"Serve the dashboard: /, /healthz, /metrics, /api/status, /api/item and the actions (POST, with the token).",
        "Loopback by default (web.listen in the configuration); reads the ledger read-only and acts only through"
            + " the worker's control folder, as the commands do."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped by SIGTERM/SIGINT", "78:bad configuration or --listen", "1:the address cannot be bound"})
final class WebCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(WebCommand.class);

  @Mixin ConfigOption config;
  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "the address to listen on, instead of web.listen (default " + WebConfig.DEFAULT_LISTEN + ")")
  String listen;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    TendedConfig cfg = config.loadOrReport(err);
    if (cfg == null) {
      return ExitCodes.CONFIG;
    }
    WebConfig web = cfg.web();
    if (listen != null) {
      try {
        web = web.listeningOn(WebConfig.Listen.parse(listen));
      } catch (IllegalArgumentException e) {
        err.println(JournalStream.errPrefix() + "web: --listen " + e.getMessage());
        err.flush();
        return ExitCodes.CONFIG;
      }
    }
    LogSetup.stdoutOnly("web");
    Notifier systemd = Notifier.fromEnvironment();
    CountDownLatch stop = new CountDownLatch(1);
    DaemonSignals.install(new DaemonSignals.Actions(signal -> {
      log.info("web_signal signal={}", signal);
      stop.countDown();
    }, signal -> log.info("web_reload_ignored signal={} hint=\"restart tended-web to read the configuration again\"",
        signal), signal -> { }));
    WebServer server = new WebServer(cfg, web);
    try {
      server.start();
    } catch (IOException e) {
      String reason = "cannot listen on " + web.listen() + ": " + e.getMessage();
      log.error("web_bind_failed address={} error=\"{}\"", web.listen(), e.getMessage());
      err.println(JournalStream.errPrefix() + "web: " + reason);
      err.flush();
      systemd.failing(98, reason);
      return ExitCodes.FAILURE;
    }
    systemd.ready("listening on " + server.address());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    systemd.stopping("stopping");
    server.stop();
    return ExitCodes.OK;
  }
}
