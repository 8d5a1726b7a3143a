package dev.tended.supervisor.web;

import dev.tended.ledger.LedgerView;
import dev.tended.ledger.LedgerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The dashboard's one read-only view of the ledger, opened when first needed (the ledger may not exist
 * yet when the dashboard starts: the worker makes it) and opened again after a read failed (a ledger
 * replaced by {@code recover-ledger}). It never writes: every change goes through the worker.
 *
 * <p>Thread-safe: the view itself is ({@link LedgerView}); the reference is swapped under this object's lock.
 */
final class LedgerReads implements AutoCloseable {
  private final LedgerStore store;
  private LedgerView view;

  LedgerReads(LedgerStore store) {
    this.store = Objects.requireNonNull(store);
  }

  /** {@code read} applied to the view; empty when there is no ledger yet. A failed read closes the view and throws. */
  <T> Optional<T> read(Function<LedgerView, T> read) {
    LedgerView v = view();
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(read.apply(v));
    } catch (RuntimeException e) {
      drop(v);
      throw e;
    }
  }

  /** The answer to a read when there is no ledger yet (503: the worker has not made it). */
  Reply missing() {
    return Reply.error(503, "no ledger at " + store.describe() + " yet (has the worker run with this configuration?)");
  }

  private synchronized LedgerView view() {
    if (view == null && store.present()) {
      view = store.openView();
    }
    return view;
  }

  private synchronized void drop(LedgerView failed) {
    if (view == failed) {
      view = null;
      failed.close();
    }
  }

  @Override
  public synchronized void close() {
    if (view != null) {
      view.close();
      view = null;
    }
  }
}
