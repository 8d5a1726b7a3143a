package dev.tended.supervisor.restart;

import dev.tended.ledger.LedgerView;
import dev.tended.ledger.RunningItem;
import dev.tended.ledger.LedgerStore;
import dev.tended.logging.Kv;
import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.posix.ProcessTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes the supervisor never kills: the handlers of running items and their waiters, which
 * outlive a worker so that the next one adopts them. A process is one when its environment holds
 * {@code TENDED_WAITER=<t>} or {@code TENDED_ATTEMPT_TOKEN=<t>} for the attempt token {@code t} of an
 * item the ledger has {@code running} ({@link LedgerView#running()}); every descendant of one is
 * spared with it (a handler's own children may have dropped the marker). The ledger is asked at the
 * moment of a kill, after the worker is gone, so an item the worker has just finished or handed back
 * no longer protects its processes. When the ledger cannot be read, every process carrying a marker
 * is spared ({@code recorded_handlers_unknown}): killing a handler that may be recorded throws away
 * work, leaving an unrecorded one running costs only its machine time. Stateless apart from the
 * token source; thread-safe.
 */
public final class RecordedHandlers {
  private static final Logger log = LoggerFactory.getLogger(RecordedHandlers.class);
  /** The variable the waiter of an attempt carries. */
  public static final String WAITER_MARKER = "TENDED_WAITER";
  /** The variable a handler (and what it starts) carries. */
  public static final String ATTEMPT_MARKER = "TENDED_ATTEMPT_TOKEN";
  private static final List<String> MARKERS = List.of(WAITER_MARKER, ATTEMPT_MARKER);

  /** The tokens of the running items; empty when they cannot be known now. */
  private final Supplier<Optional<Set<String>>> tokens;

  RecordedHandlers(Supplier<Optional<Set<String>>> tokens) {
    this.tokens = java.util.Objects.requireNonNull(tokens);
  }

  /** The recorded handlers of {@code ledger} (no ledger yet: none). */
  public static RecordedHandlers ofLedger(LedgerStore ledger) {
    return new RecordedHandlers(() -> tokensOf(ledger));
  }

  private static Optional<Set<String>> tokensOf(LedgerStore ledger) {
    if (!ledger.present()) {
      return Optional.of(Set.of());
    }
    try (LedgerView view = ledger.openView()) {
      Set<String> out = new HashSet<>();
      for (RunningItem r : view.running()) {
        if (r.item().attemptToken() != null) {
          out.add(r.item().attemptToken());
        }
        r.handler().ifPresent(h -> out.add(h.token()));
      }
      return Optional.of(out);
    } catch (RuntimeException e) {
      log.warn("recorded_handlers_unknown ledger={} error={} action=sparing_every_marked_process", Kv.q(ledger.describe()),
          Kv.q(String.valueOf(e.getMessage())));
      return Optional.empty();
    }
  }

  /**
   * {@code candidates} without the recorded handlers, their waiters and their descendants; logs
   * {@code handlers_spared} when it leaves any out.
   */
  public List<ProcessHandle> killable(Collection<ProcessHandle> candidates, String why) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    Set<Long> spared = spared();
    List<ProcessHandle> out = candidates.stream().filter(p -> !spared.contains(p.pid())).toList();
    List<Long> left = candidates.stream().map(ProcessHandle::pid).filter(spared::contains).toList();
    if (!left.isEmpty()) {
      log.info("handlers_spared count={} pids={} reason={}", left.size(),
          left.stream().map(String::valueOf).collect(Collectors.joining(",")), why);
    }
    return out;
  }

  /** The pids of every recorded handler or waiter now, and of their descendants. */
  Set<Long> spared() {
    Optional<Set<String>> running = tokens.get();
    ProcessTable table = ProcFs.table();
    Set<Long> marked = new HashSet<>();
    for (ProcStat p : table.all()) {
      if (markedAsRunning(p.pid(), running)) {
        marked.add(p.pid());
      }
    }
    Set<Long> out = new HashSet<>(marked);
    table.descendants(marked).forEach(d -> out.add(d.pid()));
    return out;
  }

  private static boolean markedAsRunning(long pid, Optional<Set<String>> running) {
    for (String name : MARKERS) {
      Optional<String> token = ProcFs.environmentValue(pid, name);
      if (token.isPresent() && !token.get().isEmpty() && (running.isEmpty() || running.get().contains(token.get()))) {
        return true;
      }
    }
    return false;
  }
}
