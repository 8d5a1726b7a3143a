package dev.tended.worker.source;

import dev.tended.config.SourceConfig;
import dev.tended.config.SourceType;
import dev.tended.logging.Kv;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
 * again every few seconds, so a queue folder made after start is watched once it exists.
 *
 * <p>What is watched: for a {@code json-queue}, the file's folder, for events naming the file (an
 * atomic rename shows as a create); for a {@code directory}, the folder itself, any entry.
 *
 * <p>Owns its thread, {@code watch-queues}; {@link #start()} and {@link #stop()} are called by the
 * worker's lifecycle thread. The nudge callback runs on the watch thread and must not block.
 */
public final class QueueWatcher {
  private static final Logger log = LoggerFactory.getLogger(QueueWatcher.class);
  static final Duration RETRY = Duration.ofSeconds(5);

  /** One source's interest in one folder: events naming {@code file}, or any event when empty. */
  record Interest(String source, Optional<Path> file) {
    boolean covers(Path name) {
      return file.isEmpty() || file.get().equals(name);
    }
  }

  private final Map<Path, List<Interest>> interests;
  private final Consumer<String> nudge;
  private final Duration retry;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Map<WatchKey, Path> keys = new HashMap<>(); // owned by the watch thread
  private final AtomicInteger watchedFolders = new AtomicInteger(); // published copy of keys.size()
  private final Set<Path> reportedUnwatchable = new HashSet<>(); // owned by the watch thread
  private final WatchService watchService;
  private final Thread thread;

  QueueWatcher(Map<Path, List<Interest>> interests, Consumer<String> nudge, Duration retry) throws IOException {
    this.interests = Map.copyOf(interests);
    this.nudge = Objects.requireNonNull(nudge, "nudge");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.watchService = FileSystems.getDefault().newWatchService();
    this.thread = new Thread(this::run, "watch-queues");
  }

  /**
   * A watcher for {@code sources} that calls {@code nudge} with a source's name when its path
   * changes.
   *
   * @throws IOException when no watch service can be made (the worker then simply polls)
   */
  public static QueueWatcher forSources(List<SourceConfig> sources, Consumer<String> nudge) throws IOException {
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
    return new QueueWatcher(interests, nudge, RETRY);
  }

  /** How many folders are registered with the watch service now (for tests that wait on it). */
  int watchedFolders() {
    return watchedFolders.get();
  }

  /** Starts the watch thread. */
  public void start() {
    thread.start();
  }

  /** Stops watching and waits briefly for the thread to end. Idempotent. */
  public void stop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    try {
      watchService.close(); // wakes the thread out of poll()
    } catch (IOException e) {
      log.warn("queue_watch_close_failed error={}", Kv.q(e.getMessage()));
    }
    thread.interrupt();
    try {
      thread.join(2_000);
      if (thread.isAlive()) {
        log.warn("queue_watch_stop_timeout note=\"watch thread still running after 2 s\"");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      registerMissing();
      log.info("queue_watch_started folders={} watched={}", interests.size(), keys.size());
      long nextRetry = System.nanoTime() + retry.toNanos();
      while (!stopped.get()) {
        WatchKey key = watchService.poll(retry.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (key != null) {
          handle(key);
        }
        if (System.nanoTime() - nextRetry >= 0) {
          registerMissing();
          nextRetry = System.nanoTime() + retry.toNanos();
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // stopping
    } catch (RuntimeException e) {
      // never silently: the worker goes on polling on schedule, which is always enough
      log.error("queue_watch_failed error={} note=\"falling back to the poll interval\"", Kv.q(e.toString()), e);
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

  private void registerMissing() {
    Set<Path> watched = new HashSet<>(keys.values());
    for (Path dir : interests.keySet()) {
      if (watched.contains(dir)) {
        continue;
      }
      try {
        if (!Files.isDirectory(dir)) {
          throw new IOException("not a folder (yet)");
        }
        WatchKey key = dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
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
