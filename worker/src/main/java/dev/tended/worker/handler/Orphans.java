package dev.tended.worker.handler;

import dev.tended.posix.Subreaper;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the worker the parent of what its handlers orphan (a {@link Subreaper}), so that a daemon a
 * handler starts ({@code setsid -f}, a double fork) is re-parented to the worker, where
 * {@link HandlerGroup} finds it, stops it and reaps it, instead of to init. Done once per process;
 * where the kernel refuses, the worker logs it and tracks handlers by their marker alone. Thread-safe.
 */
final class Orphans {
  private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);
  private static final AtomicBoolean TRIED = new AtomicBoolean();

  private Orphans() {}

  /** Becomes a subreaper, the first time only. */
  static void adopt() {
    if (TRIED.getAndSet(true)) {
      return;
    }
    try {
      Subreaper.enable();
    } catch (Subreaper.Unavailable e) {
      LOG.warn("handler_subreaper_unavailable reason={}", e.getMessage());
    }
  }
}
