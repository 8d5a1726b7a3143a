package dev.tended.worker;

import dev.tended.config.ConfigException;
import dev.tended.config.ConfigLoader;
import dev.tended.logging.Kv;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's SIGHUP: a request to hand the running handlers over to a next worker, which will run
 * the configuration file as it is now (and the jar as it is on disk). The file is read and validated
 * first: an invalid one is refused ({@code reload_refused} with each problem and its key's path) and
 * the worker goes on as before; a valid one ends the wait of the main thread, which then hands over
 * and exits {@link WorkerMain#EX_HANDED_OVER}.
 *
 * <p>Thread-safe: {@link #requested} runs on a signal thread, {@link #accepted} on the main thread.
 */
final class HandOver {
  private static final Logger log = LoggerFactory.getLogger(HandOver.class);

  private final Path configFile;
  private final Runnable endWait;
  private final AtomicBoolean accepted = new AtomicBoolean();

  HandOver(Path configFile, Runnable endWait) {
    this.configFile = Objects.requireNonNull(configFile);
    this.endWait = Objects.requireNonNull(endWait);
  }

  /** A SIGHUP arrived: validate the configuration file, then hand over, or refuse and change nothing. */
  void requested() {
    try {
      ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      refused(String.join("; ", e.problems()));
      return;
    } catch (RuntimeException e) {
      refused(e.toString());
      return;
    }
    log.info("hand_over_requested config={}", Kv.q(configFile));
    accepted.set(true);
    endWait.run();
  }

  private void refused(String problems) {
    log.error("reload_refused config={} problems={} action=\"unchanged: this worker goes on with the configuration it"
        + " started with\"", Kv.q(configFile), Kv.q(problems));
  }

  /** Whether the wait ended for a hand-over rather than a stop. */
  boolean accepted() {
    return accepted.get();
  }
}
