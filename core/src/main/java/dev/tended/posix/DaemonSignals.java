package dev.tended.posix;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a daemon does at each signal a user or a tool may send, decided in one place for both daemons,
 * so none is a silent death (the JVM's default for most is to exit at once: no {@code worker_stopping},
 * a status left {@code running}, a handler orphaned):
 *
 * <ul>
 *   <li>{@code TERM}, {@code INT}: {@link Actions#stop} (a clean stop, exit 0);
 *   <li>{@code HUP}: {@link Actions#reload} (the supervisor re-reads its configuration; the worker
 *       hands its handlers over to the next worker);
 *   <li>{@code USR1}: {@link Actions#reopenLogs} (after an external log rotation);
 *   <li>{@code USR2}, {@code ALRM}, {@code PWR}, {@code VTALRM}, {@code PROF}, {@code IO}: ignored,
 *       with a {@code signal_ignored} event. {@code USR2} only where the JVM's suspend/resume signal
 *       has been moved off it ({@value #SR_SIGNUM_VARIABLE}, which the launcher sets): HotSpot uses
 *       {@code USR2} itself by default, and taking it over would break that; then
 *       {@code signal_left_to_jvm} says so at start;
 *   <li>{@code TTIN}, {@code TTOU}: ignored outright ({@code SIG_IGN}), so that a daemon started as a
 *       background job of a terminal is not stopped when it writes there.
 * </ul>
 *
 * {@code QUIT} stays the JVM's thread dump (to stdout), {@code PIPE} and {@code XFSZ} stay ignored by
 * the JVM (the write fails instead), {@code TSTP} stays a job-control stop and {@code KILL}/{@code STOP}
 * cannot be caught. The actions run on a JVM signal thread, one per signal received. Stateless.
 */
public final class DaemonSignals {
  /** The environment variable that moves HotSpot's suspend/resume signal off {@code SIGUSR2}. */
  public static final String SR_SIGNUM_VARIABLE = "_JAVA_SR_SIGNUM";
  private static final Logger log = LoggerFactory.getLogger(DaemonSignals.class);
  private static final List<Signal> IGNORED = List.of(Signal.ALRM, Signal.PWR, Signal.VTALRM, Signal.PROF, Signal.IO);
  private static final List<Signal> JOB_CONTROL = List.of(Signal.TTIN, Signal.TTOU);

  /** What the daemon does at a stop, a reload and a reopen request; each is given the signal. */
  public record Actions(Consumer<Signal> stop, Consumer<Signal> reload, Consumer<Signal> reopenLogs) {
    public Actions {
      Objects.requireNonNull(stop);
      Objects.requireNonNull(reload);
      Objects.requireNonNull(reopenLogs);
    }
  }

  private DaemonSignals() {}

  /** Installs the handling above for this process; call once, after logging is set up. */
  public static void install(Actions actions) {
    install(actions, System.getenv());
  }

  /** {@link #install(Actions)} with the environment passed in. */
  static void install(Actions actions, Map<String, String> env) {
    handle(Signal.TERM, actions.stop());
    handle(Signal.INT, actions.stop());
    handle(Signal.HUP, actions.reload());
    handle(Signal.USR1, actions.reopenLogs());
    IGNORED.forEach(s -> handle(s, DaemonSignals::ignored));
    if (usr2IsFree(env)) {
      handle(Signal.USR2, DaemonSignals::ignored);
    } else {
      log.warn("signal_left_to_jvm signal={} effect=\"the JVM aborts when it receives it\" fix=\"start through the"
          + " tended launcher, or set {}=40\"", Signal.USR2, SR_SIGNUM_VARIABLE);
    }
    JOB_CONTROL.forEach(s -> sun.misc.Signal.handle(jvm(s), sun.misc.SignalHandler.SIG_IGN));
  }

  /** Whether the JVM's suspend/resume signal was moved to another number than {@code SIGUSR2}'s. */
  static boolean usr2IsFree(Map<String, String> env) {
    String moved = env.get(SR_SIGNUM_VARIABLE);
    return moved != null && !moved.isBlank() && !moved.trim().equals(Integer.toString(Signal.USR2.number()));
  }

  private static void ignored(Signal s) {
    log.info("signal_ignored signal={}", s);
  }

  private static void handle(Signal s, Consumer<Signal> action) {
    sun.misc.Signal.handle(jvm(s), received -> action.accept(s));
  }

  private static sun.misc.Signal jvm(Signal s) {
    return new sun.misc.Signal(s.name());
  }
}
