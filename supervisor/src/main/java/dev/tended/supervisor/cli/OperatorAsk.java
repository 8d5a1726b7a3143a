package dev.tended.supervisor.cli;

import dev.tended.config.Durations;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.control.ControlAction;
import dev.tended.control.ControlFolder;
import dev.tended.control.ControlInbox;
import dev.tended.control.ControlRequest;
import dev.tended.ledger.DeadSelection;
import dev.tended.supervisor.control.OperatorRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code pause}, {@code resume}, {@code cancel} and {@code retry} share: the configuration and
 * {@code --wait}, the check that the source exists, the request (asked by this process's user), the
 * wait for the worker's answer through {@link OperatorRequests}, and the exit codes: 0 done, 1 refused,
 * 75 accepted but not applied within the wait (the request stays and takes effect when the worker
 * runs), 78 bad configuration.
 */
abstract class OperatorAsk {
  /** The exit codes every one of these commands shares, for their {@code --help}. */
  static final String EXIT_ACCEPTED = "75:left for the worker, not applied within --wait (it takes effect when the worker runs)";
  static final String EXIT_CONFIG = "78:bad configuration";
  @Mixin ConfigOption config;
  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10s",
      description = "how long to wait for the worker's answer (default ${DEFAULT-VALUE}); the request stays after it")
  String wait;
  @Spec CommandSpec spec;

  /**
   * Loads the configuration and, once {@code source} is one of its sources, runs {@code then}; else
   * reports and returns 78 (bad configuration) or 1 (unknown source).
   */
  int withSource(String source, Function<TendedConfig, Integer> then) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      TendedConfig cfg = config.loadOrReport(err);
      if (cfg == null) {
        return ExitCodes.CONFIG;
      }
      if (cfg.source(source).isEmpty()) {
        err.println(name() + ": no source \"" + source + "\" in " + cfg.configFile() + " (sources: "
            + String.join(", ", cfg.sources().stream().map(SourceConfig::name).toList()) + ")");
        return ExitCodes.FAILURE;
      }
      return then.apply(cfg);
    } finally {
      spec.commandLine().getOut().flush();
      err.flush();
    }
  }

  /** A request of this process's user, asked now. */
  static ControlRequest request(ControlAction action, String source, String id, boolean drain, DeadSelection dead) {
    Instant now = Instant.now();
    return new ControlRequest(ControlInbox.newRequestId(now), action, source, id, drain,
        dead == null ? null : dead.deadSince(), dead == null ? null : dead.exitCode(), ControlInbox.processUser(), now);
  }

  /** Asks, prints the answer and returns the exit code. */
  int ask(TendedConfig cfg, ControlRequest request) {
    return ask(cfg, request, Duration.ZERO);
  }

  /** As {@link #ask(TendedConfig, ControlRequest)}, waiting at least {@code atLeast} whatever {@code --wait} says. */
  int ask(TendedConfig cfg, ControlRequest request, Duration atLeast) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration limit = Durations.parse(wait).orElse(null);
    if (limit == null) {
      err.println(name() + ": --wait " + wait + " is not a duration (e.g. 10s, 500ms, 1m)");
      return ExitCodes.FAILURE;
    }
    if (limit.compareTo(atLeast) < 0) {
      limit = atLeast;
    }
    ControlFolder folder = new ControlFolder(cfg.controlDir());
    OperatorRequests.Reply reply;
    try {
      reply = new OperatorRequests(folder).ask(request, limit);
    } catch (IOException e) {
      err.println(name() + ": cannot leave the request in " + folder.requests() + ": " + e.getMessage()
          + " (it needs write access there: the tended group)");
      return ExitCodes.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(name() + ": interrupted; request " + request.requestId() + " stays and takes effect when the worker"
          + " runs");
      return ExitCodes.ACCEPTED;
    }
    switch (reply.outcome()) {
      case DONE -> out.println(name() + ": " + reply.message());
      case REFUSED -> err.println(name() + ": refused: " + reply.message());
      case ACCEPTED -> out.println(name() + ": " + reply.message());
    }
    return switch (reply.outcome()) {
      case DONE -> ExitCodes.OK;
      case REFUSED -> ExitCodes.FAILURE;
      case ACCEPTED -> ExitCodes.ACCEPTED;
    };
  }

  String name() {
    return spec.name();
  }
}
