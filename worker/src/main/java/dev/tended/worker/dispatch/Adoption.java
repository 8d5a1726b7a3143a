package dev.tended.worker.dispatch;

import dev.tended.config.SourceConfig;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.RunningItem;
import dev.tended.posix.ProcFs;
import dev.tended.worker.handler.HandlerProcesses;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides, at a worker's start, what becomes of one item the ledger holds as {@code running} (its
 * worker died, stalled or handed over): its handler is adopted while it runs, collected when it ended
 * while no worker watched, declared interrupted when it died with its worker (or ran in an earlier
 * boot), and an item whose handler never started goes back to pending. Also fixes the settings the
 * attempt is finished with: those recorded with its handler, else the source's as configured now,
 * else (a source no longer configured) the configuration's defaults.
 *
 * <p>Thread-safe: immutable; called once per running item by the starting thread.
 */
final class Adoption {
  /** What is done with one running item. */
  enum Kind {
    /** Its handler runs on: this worker watches it to its outcome. */
    ADOPT,
    /** Its handler was recorded and is gone: its exit status (if the waiter recorded one) decides. */
    GONE,
    /** Its handler ran in an earlier boot: it cannot have survived, whatever its pid says now. */
    OTHER_BOOT,
    /** No handler was recorded and no process carries its marker: it never started. */
    NEVER_STARTED
  }

  /** The decision for one running item: what to do, its handler's record (none when it never started) and its settings. */
  record Plan(Kind kind, ItemRecord item, Optional<HandlerRecord> handler, AttemptSpec spec, boolean found) {}

  /** Whether the process {@code pid} that started at {@code startTicks} (since boot) still runs. */
  @FunctionalInterface
  interface Liveness {
    boolean alive(long pid, long startTicks);

    /** By {@code /proc}: same pid and same start time, and not a zombie. */
    Liveness PROC = (pid, ticks) -> pid > 0
        && ProcFs.stat(pid).filter(s -> s.startTicks() == ticks && s.running()).isPresent();
  }

  private final Function<SourceConfig, AttemptSpec> specOf;
  private final Map<String, SourceConfig> sources;
  private final HandlerFinder finder;
  private final Liveness liveness;
  private final Supplier<String> bootId;

  Adoption(Map<String, SourceConfig> sources, Function<SourceConfig, AttemptSpec> specOf, HandlerFinder finder,
      Liveness liveness, Supplier<String> bootId) {
    this.sources = Map.copyOf(sources);
    this.specOf = Objects.requireNonNull(specOf);
    this.finder = Objects.requireNonNull(finder);
    this.liveness = Objects.requireNonNull(liveness);
    this.bootId = Objects.requireNonNull(bootId);
  }

  Plan plan(RunningItem running) {
    ItemRecord item = running.item();
    Optional<HandlerRecord> recorded = running.handler();
    if (recorded.isPresent()) {
      HandlerRecord h = recorded.get();
      AttemptSpec spec = recordedSpec(item, h.spec());
      if (!h.bootId().equals(bootId.get())) {
        return new Plan(Kind.OTHER_BOOT, item, recorded, spec, false);
      }
      boolean alive = liveness.alive(h.handlerPid(), h.handlerStartTicks());
      return new Plan(alive ? Kind.ADOPT : Kind.GONE, item, recorded, spec, false);
    }
    AttemptSpec spec = configuredSpec(item);
    Optional<HandlerProcesses> found = item.attemptToken() == null ? Optional.empty()
        : finder.byToken(item.attemptToken());
    if (found.isEmpty()) {
      return new Plan(Kind.NEVER_STARTED, item, Optional.empty(), spec, false);
    }
    HandlerProcesses p = found.get();
    HandlerRecord built = new HandlerRecord(item.seq(), item.attempts(), item.attemptToken(), p.bootId(),
        p.waiterPid(), p.waiterStartTicks(), p.handlerPid(), p.handlerStartTicks(), p.startedAt(), spec.toJson());
    // Only its waiter found: the handler is starting, or its pid was never read; watch it as running.
    boolean alive = p.handlerPid() <= 0 || liveness.alive(p.handlerPid(), p.handlerStartTicks());
    return new Plan(alive ? Kind.ADOPT : Kind.GONE, item, Optional.of(built), spec, true);
  }

  /** The recorded settings; when they cannot be read, those of the source now (or the defaults). */
  private AttemptSpec recordedSpec(ItemRecord item, String json) {
    try {
      return AttemptSpec.fromJson(json);
    } catch (IllegalArgumentException e) {
      return configuredSpec(item);
    }
  }

  private AttemptSpec configuredSpec(ItemRecord item) {
    SourceConfig source = sources.get(item.source());
    return source != null ? specOf.apply(source) : AttemptSpec.UNRECORDED;
  }
}
