package dev.tended.worker.source;

import dev.tended.config.SourceConfig;
import dev.tended.config.SourceType;
import dev.tended.logging.Kv;
import dev.tended.status.FastPath;
import dev.tended.worker.lifecycle.Managed;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-change fast path: watches the folders that hold the queues and, when something happens at
 * a source's path, asks for that source's poll to run now. That is all it does. It never opens a
 * queue, never records an item and never runs anything of a source's: the poll stays the single
 * source of truth and the one place where work happens. (The daemon tended replaces deadlocked
 * because it handled file events on a second thread; here the watch thread only nudges.)
 *
 * <p>So nothing depends on it: an overflow nudges every source of the folder, a missed event or a
 * folder that cannot be watched (absent, not local, out of inotify watches) costs at most one
 * {@code pollInterval}, the wait for the scheduled poll. Folders that could not be watched are tried
 * again every few seconds, so a queue folder made after start is watched once it exists. When no
 * watch service can be made at all (the inotify instance limit) or the watch thread fails on an
 * unexpected exception, the fast path is off: that is logged once ({@code fast_path_off}), shown by
 * {@link #fastPath()} (the status file, {@code health-diagnose}), and a new watch service is tried
 * every few seconds until one works ({@code fast_path_on}).
 *
 * <p>What is watched: for a {@code json-queue}, the file's folder, for events naming the file (an
 * atomic rename shows as a create); for a {@code directory}, the folder itself, any entry.
 *
 * <p>Owns its thread, {@code watch-queues}, and everything it watches with; {@link #start()} and
 * {@link #stop} are called by the worker's lifecycle thread, {@link #fastPath()} from any thread. The
 * nudge callback runs on the watch thread and must not block.
 */
public final class QueueWatcher implements Managed {
  private static final Logger log = LoggerFactory.getLogger(QueueWatcher.class);
  static final Duration RETRY = Duration.ofSeconds(5);
  /** The longest a stop waits for the watch thread. */
  static final Duration STOP_WAIT = Duration.ofSeconds(2);

  /** Makes the watch service: the file system's outside tests. */
  @FunctionalInterface
  public interface WatchServices {
    WatchService create() throws IOException;

    /** The default file system's watch service (inotify on Linux). */
    WatchServices DEFAULT = () -> FileSystems.getDefault().newWatchService();
  }

  /** One source's interest in one folder: events naming {@code file}, or any event when empty. */
  record Interest(String source, Optional<Path> file) {
    boolean covers(Path name) {
      return file.isEmpty() || file.get().equals(name);
    }
  }

  private final Map<Path, List<Interest>> interests;
  private final Consumer<String> nudge;
  private final Duration retry;
  private final WatchServices watchServices;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<WatchKey, Path> keys = new HashMap<>(); // owned by the watch thread
  private final AtomicInteger watchedFolders = new AtomicInteger(); // published copy of keys.size()
  private final Set<Path> reportedUnwatchable = new HashSet<>(); // owned by the watch thread
  private volatile WatchService watchService; // made by start() or the watch thread, closed by stop()
  private volatile FastPath fastPath = FastPath.ON;
  private final Thread thread;

  QueueWatcher(Map<Path, List<Interest>> interests, Consumer<String> nudge, Duration retry) {
    this(interests, nudge, retry, WatchServices.DEFAULT);
  }

  QueueWatcher(Map<Path, List<Interest>> interests, Consumer<String> nudge, Duration retry,
      WatchServices watchServices) {
    this.interests = Map.copyOf(interests);
    this.nudge = Objects.requireNonNull(nudge, "nudge");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.watchServices = Objects.requireNonNull(watchServices, "watchServices");
    this.thread = new Thread(this::run, "watch-queues");
  }

  /**
   * A watcher for {@code sources} that calls {@code nudge} with a source's name when its path
   * changes, watching with what {@code watchServices} makes ({@link WatchServices#DEFAULT} outside
   * tests). Making it never fails: a watch service that cannot be made turns the fast path off.
   */
  public static QueueWatcher forSources(List<SourceConfig> sources, Consumer<String> nudge,
      WatchServices watchServices) {
    Map<Path, List<Interest>> interests = new LinkedHashMap<>();
    for (SourceConfig s : sources) {
      Path path = s.path().toAbsolutePath().normalize();
      if (s.type() == SourceType.DIRECTORY) {
        interests.computeIfAbsent(path, k -> new ArrayList<>()).add(new Interest(s.name(), Optional.empty()));
      } else {
        interests.computeIfAbsent(path.getParent(), k -> new ArrayList<>())
            .add(new Interest(s.name(), Optional.of(path.getFileName())));
      }
    }
    return new QueueWatcher(interests, nudge, RETRY, watchServices);
  }

  /** How many folders are registered with the watch service now (for tests that wait on it). */
  int watchedFolders() {
    return watchedFolders.get();
  }

  /** Whether the fast path is on now, and if not, why. */
  public FastPath fastPath() {
    return fastPath;
  }

  /**
   * Makes the first watch service (or turns the fast path off, saying why) and starts the watch
   * thread. Never throws for want of a watch service: the worker then polls on schedule.
   */
  @Override
  public void start() {
    watchService = newWatchService();
    thread.start();
  }

  /** Stops watching and waits for the thread to end, within {@code budget}. Idempotent. */
  @Override
  public void stop(Duration budget) {
    if (stopped.getCount() == 0) {
      return;
    }
    stopped.countDown();
    closeQuietly(watchService); // wakes the thread out of poll()
    thread.interrupt();
    Duration wait = budget.compareTo(STOP_WAIT) < 0 ? budget : STOP_WAIT;
    try {
      thread.join(Math.max(1, wait.toMillis()));
      if (thread.isAlive()) {
        log.warn("queue_watch_stop_timeout waited_ms={} note=\"watch thread still running\"", wait.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean stopping() {
    return stopped.getCount() == 0;
  }

  private void run() {
    while (!stopping()) {
      WatchService service = watchService;
      if (service == null) {
        service = newWatchService();
        watchService = service;
        if (stopping()) {
          closeQuietly(service);
          return;
        }
      }
      if (service != null) {
        try {
          watch(service);
        } catch (ClosedWatchServiceException | InterruptedException e) {
          if (stopping()) {
            return;
          }
          // closed or interrupted by something else than a stop: a new service is made below
        } catch (Exception | Error e) {
          // never silently: the worker goes on polling on schedule, which is always enough
          log.error("queue_watch_failed error={} note=\"falling back to the poll interval; restarted in {} ms\"",
              Kv.q(e.toString()), retry.toMillis(), e);
          off("the watch thread failed: " + e);
        }
        closeQuietly(service);
        watchService = null;
        keys.clear();
        watchedFolders.set(0);
      }
      if (awaitStop(retry)) {
        return;
      }
    }
  }

  /** Watches with {@code service} until it is closed or fails; throws what ends the watching. */
  private void watch(WatchService service) throws InterruptedException {
    registerMissing(service);
    if (!fastPath.on()) {
      fastPath = FastPath.ON;
      log.info("fast_path_on folders={} watched={}", interests.size(), keys.size());
    } else {
      log.info("queue_watch_started folders={} watched={}", interests.size(), keys.size());
    }
    long nextRetry = System.nanoTime() + retry.toNanos();
    while (!stopping()) {
      WatchKey key = service.poll(retry.toMillis(), TimeUnit.MILLISECONDS);
      if (key != null) {
        handle(key);
      }
      if (System.nanoTime() - nextRetry >= 0) {
        registerMissing(service);
        nextRetry = System.nanoTime() + retry.toNanos();
      }
    }
  }

  /** A new watch service, or null after turning the fast path off. */
  private WatchService newWatchService() {
    try {
      return watchServices.create();
    } catch (IOException | RuntimeException e) {
      off("no watch service: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return null;
    }
  }

  /** Turns the fast path off; logs only the change from on, not every failed retry. */
  private void off(String reason) {
    boolean wasOn = fastPath.on();
    fastPath = FastPath.off(reason);
    if (wasOn) {
      log.warn("fast_path_off reason={} note=\"queues are polled every pollInterval only; tried again every {} ms\"",
          Kv.q(reason), retry.toMillis());
    }
  }

  /** Waits {@code time} unless a stop comes first; true when stopping. */
  private boolean awaitStop(Duration time) {
    try {
      return stopped.await(time.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      return stopping();
    }
  }

  private static void closeQuietly(WatchService service) {
    if (service == null) {
      return;
    }
    try {
      service.close();
    } catch (IOException e) {
      log.warn("queue_watch_close_failed error={}", Kv.q(e.getMessage()));
    }
  }

  private void handle(WatchKey key) {
    Path dir = keys.get(key);
    Set<String> sources = new LinkedHashSet<>();
    for (WatchEvent<?> event : key.pollEvents()) {
      List<Interest> here = dir == null ? List.of() : interests.getOrDefault(dir, List.of());
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        here.forEach(i -> sources.add(i.source()));
      } else if (event.context() instanceof Path name) {
        here.stream().filter(i -> i.covers(name)).forEach(i -> sources.add(i.source()));
      }
    }
    if (!key.reset()) {
      keys.remove(key);
      watchedFolders.set(keys.size());
      log.info("queue_watch_lost folder={} note=\"watched again once it exists\"", Kv.q(dir));
      interests.getOrDefault(dir, List.of()).forEach(i -> sources.add(i.source()));
    }
    sources.forEach(this::nudge);
  }

  private void nudge(String source) {
    log.debug("queue_changed source={}", source);
    try {
      nudge.accept(source);
    } catch (RuntimeException e) {
      log.warn("queue_nudge_failed source={} error={}", source, Kv.q(e.toString()));
    }
  }

  private void registerMissing(WatchService service) {
    Set<Path> watched = new HashSet<>(keys.values());
    for (Path dir : interests.keySet()) {
      if (watched.contains(dir)) {
        continue;
      }
      try {
        if (!Files.isDirectory(dir)) {
          throw new IOException("not a folder (yet)");
        }
        WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        keys.put(key, dir);
        watchedFolders.set(keys.size());
        if (reportedUnwatchable.remove(dir)) {
          log.info("queue_watch_resumed folder={}", Kv.q(dir));
          interests.get(dir).forEach(i -> nudge(i.source()));
        }
      } catch (IOException e) {
        if (reportedUnwatchable.add(dir)) {
          log.info("queue_watch_unavailable folder={} reason={} note=\"polled on schedule only\"", Kv.q(dir),
              Kv.q(e.getMessage()));
        }
      }
    }
  }
}
