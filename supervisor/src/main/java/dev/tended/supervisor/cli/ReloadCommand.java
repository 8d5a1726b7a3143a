package dev.tended.supervisor.cli;

import dev.tended.config.TendedConfig;
import dev.tended.io.DataFolderLock;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.supervisor.reload.ReloadState;
import dev.tended.supervisor.reload.ReloadStateFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tended reload --config FILE}: asks the running supervisor to reload and waits for the
 * outcome, so that a script, or {@code systemctl reload} through {@code ExecReload=}, fails visibly on
 * a bad configuration. The supervisor is found by proof, as a leftover worker is: the kernel's word
 * that it holds {@code dataDir/supervisor.lock}, not a pid written in a file. The outcome is read from
 * {@code dataDir/reload-state.json}: the first one of a generation after the one seen before the
 * signal. Stateless.
 */
@Command(name = "reload", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Make the running supervisor re-read its configuration and replace its worker "
        + "(running handlers go on); wait for the outcome.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:reloaded: a new worker runs the configuration", "78:refused: bad configuration, nothing changed",
        "1:no supervisor runs here, no outcome within --timeout, or the new worker did not start"})
final class ReloadCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(50);

  @Mixin ConfigOption config;
  @Option(names = "--timeout", paramLabel = "DURATION", description = "how long to wait for the outcome "
      + "(default: stopGrace twice plus startupGrace plus 30s)")
  String timeout;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TendedConfig cfg = config.loadOrReport(err);
    if (cfg == null) {
      err.println("reload: not sent: the supervisor would refuse " + config.file + "; nothing changed");
      err.flush();
      return ExitCodes.CONFIG;
    }
    Duration limit;
    try {
      limit = timeout != null ? dev.tended.config.Durations.parse(timeout)
          .orElseThrow(() -> new IllegalArgumentException("not a duration (e.g. 90s, 2m)"))
          : cfg.supervisor().stopGrace().multipliedBy(2).plus(cfg.supervisor().startupGrace()).plusSeconds(30);
    } catch (RuntimeException e) {
      err.println("reload: --timeout " + timeout + ": " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    Path lock = cfg.dataDir().resolve(DataFolderLock.SUPERVISOR);
    OptionalLong pid = DataFolderLock.heldBy(lock);
    if (pid.isEmpty()) {
      err.println("reload: no supervisor runs on " + cfg.dataDir() + " (nothing holds " + lock + ")");
      err.flush();
      return ExitCodes.FAILURE;
    }
    Path file = ReloadStateFile.in(cfg.dataDir());
    long before = read(file).map(ReloadState::generation).orElse(0L);
    try {
      Signals.toProcess(pid.getAsLong(), Signal.HUP);
    } catch (RuntimeException e) {
      err.println("reload: cannot signal supervisor pid " + pid.getAsLong() + ": " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Optional<ReloadState> s = read(file);
      if (s.isPresent() && s.get().generation() > before && s.get().settled()) {
        return report(s.get(), out, err);
      }
      if (DataFolderLock.heldBy(lock).isEmpty()) {
        err.println("reload: supervisor pid " + pid.getAsLong() + " ended before the reload did");
        err.flush();
        return ExitCodes.FAILURE;
      }
      Thread.sleep(POLL.toMillis());
    }
    err.println("reload: no outcome from supervisor pid " + pid.getAsLong() + " within " + limit.toMillis()
        + " ms; see its log (reload_*)");
    err.flush();
    return ExitCodes.FAILURE;
  }

  private static int report(ReloadState s, PrintWriter out, PrintWriter err) {
    switch (s.outcome()) {
      case ReloadState.DONE -> {
        out.println("reloaded in " + s.tookMs() + " ms: worker pid " + s.workerPid() + " runs " + s.configFile());
        out.flush();
        return ExitCodes.OK;
      }
      case ReloadState.REFUSED -> {
        for (String p : s.problems()) {
          err.println(dev.tended.logging.JournalStream.errPrefix() + "config: " + p);
        }
        err.println("reload: refused; nothing changed, the supervisor runs the configuration it had");
        err.flush();
        return ExitCodes.CONFIG;
      }
      default -> {
        err.println("reload: " + s.outcome() + ": " + String.join("; ", s.problems()));
        err.flush();
        return ExitCodes.FAILURE;
      }
    }
  }

  private static Optional<ReloadState> read(Path file) {
    try {
      return ReloadStateFile.read(file);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // being replaced, or damaged: asked again
    }
  }
}
