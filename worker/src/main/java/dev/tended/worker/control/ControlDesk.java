package dev.tended.worker.control;

import dev.tended.control.ControlAnswer;
import dev.tended.control.ControlFolder;
import dev.tended.control.ControlRequest;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerView;
import dev.tended.io.IoErrors;
import dev.tended.logging.Kv;
import dev.tended.worker.lifecycle.Managed;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's end of operators' requests ({@code tended pause|resume|cancel|retry} and the dashboard
 * leave them in {@code control/requests/}): applies each, oldest first, and answers it in {@code
 * answers/}. {@link #applyWaiting} runs once at the start, before the dispatcher's first claim, so a
 * request left while no worker ran takes effect before anything starts; then the {@code control}
 * thread applies new ones as soon as the folder's watch reports them, and looks anyway every {@link
 * #LOOK_EVERY} (a missed event costs seconds, not the request). A file that is not a request goes to
 * {@code rejected/}, logged with the reason; the worker keeps running.
 *
 * <p>A cancel of a running item is answered once its end is recorded; until then its request stays,
 * so a worker that dies meanwhile applies it again at its next start. Each request is logged as
 * {@code operator_request}, with who the request says asked and who owns its file.
 *
 * <p>The thread owns the requests in flight; {@link #applyWaiting} runs before it starts.
 */
public final class ControlDesk implements Managed {
  static final Duration LOOK_EVERY = Duration.ofSeconds(2);
  /** How often a cancel in flight is looked at: its handler ends within its kill grace. */
  private static final Duration STOPPING_LOOK = Duration.ofMillis(100);
  private static final Logger log = LoggerFactory.getLogger(ControlDesk.class);

  private record InFlight(RequestRead.Valid read, long seq) {}

  private final ControlFiles files;
  private final RequestReader reader = new RequestReader();
  private final RequestApplier applier;
  private final Clock clock;
  private final Map<Path, InFlight> stopping = new LinkedHashMap<>();
  /** An answer or a rejection was written since the folders were last trimmed (trimmed at the start too). */
  private boolean changed = true;
  private final Thread thread = new Thread(this::loop, "control");
  private volatile boolean stopped;
  private WatchService watch;

  ControlDesk(ControlFiles files, RequestApplier applier, Clock clock) {
    this.files = files;
    this.applier = applier;
    this.clock = clock;
  }

  /**
   * The desk for {@code folder}, applying requests to {@code ledger} and the running worker; on a
   * ledger other nodes {@code share}, a cancel of an item another node runs is asked of that node.
   */
  public static ControlDesk of(ControlFolder folder, ItemLedger ledger, LedgerView view, OperatorControls controls,
      Set<String> sources, boolean shared, Clock clock) {
    return new ControlDesk(new ControlFiles(folder), new RequestApplier(ledger, view, controls, sources, shared, clock),
        clock);
  }

  /**
   * Makes the folders when missing and applies every request waiting, oldest first. Call once, before
   * the dispatcher starts and before {@link #start}.
   */
  public void applyWaiting() throws IOException {
    files.prepare();
    round();
  }

  @Override
  public void start() throws IOException {
    watch = files.folder().requests().getFileSystem().newWatchService();
    files.folder().requests().register(watch, StandardWatchEventKinds.ENTRY_CREATE); // a rename in is a create
    thread.start();
  }

  @Override
  public void stop(Duration budget) throws Exception {
    stopped = true;
    if (watch != null) {
      watch.close(); // ends its wait; no interrupt, which would close a file channel in the middle of a write
    }
    thread.join(Math.max(1, budget.toMillis()));
  }

  private void loop() {
    while (!stopped) {
      try {
        var key = watch.poll(stopping.isEmpty() ? LOOK_EVERY.toMillis() : STOPPING_LOOK.toMillis(),
            TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
        round();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("control_failed error={} note=\"requests are looked at again in {} s\"", Kv.q(IoErrors.describe(e)),
            LOOK_EVERY.toSeconds());
      }
    }
  }

  /** Answers the cancels whose item stopped running, then applies every new request, oldest first. */
  private void round() throws IOException {
    for (var it = stopping.values().iterator(); it.hasNext(); ) {
      InFlight f = it.next();
      Optional<ControlAnswer> answer = applier.stopped(f.read().request(), f.seq());
      if (answer.isPresent()) {
        answered(f.read(), answer.get());
        it.remove();
      }
    }
    for (Path file : files.waiting()) {
      if (!stopping.containsKey(file)) {
        take(file);
      }
    }
    if (changed) { // the folders grow only by an answer or a rejection: no listing of them every look
      files.trim(clock.instant());
      changed = false;
    }
  }

  private void take(Path file) throws IOException {
    RequestRead read = reader.read(file);
    if (read instanceof RequestRead.Invalid bad) {
      log.warn("control_request_rejected file={} reason={} moved_to={}", Kv.q(file), Kv.q(bad.reason()),
          Kv.q(files.folder().rejected()));
      files.reject(file);
      changed = true;
      return;
    }
    RequestRead.Valid valid = (RequestRead.Valid) read;
    ControlRequest r = valid.request();
    Applied applied = applier.apply(r);
    if (applied instanceof Applied.Answered a) {
      answered(valid, a.answer());
    } else if (applied instanceof Applied.Stopping s) {
      stopping.put(file, new InFlight(valid, s.seq()));
      logRequest(valid, "stopping", "its handler is being stopped (TERM, kill grace, KILL)");
    } // Applied.Later: looked at again next round
  }

  private void answered(RequestRead.Valid read, ControlAnswer answer) throws IOException {
    files.answer(answer);
    files.done(read.file());
    changed = true;
    logRequest(read, answer.outcome().name().toLowerCase(Locale.ROOT), answer.message());
  }

  private static void logRequest(RequestRead.Valid read, String outcome, String message) {
    ControlRequest r = read.request();
    log.info("operator_request request={} action={} source={} item={} drain={} asked_by={} file_owner={} outcome={}"
        + " message={}", r.requestId(), r.action().wireName(), r.source(), Kv.q(r.itemId() == null ? "" : r.itemId()),
        r.drain(), Kv.q(r.askedBy()), Kv.q(read.fileOwner()), outcome, Kv.q(message));
  }
}
