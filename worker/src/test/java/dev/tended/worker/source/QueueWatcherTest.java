package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.Queues;
import dev.tended.status.FastPath;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueWatcherTest {
  @TempDir Path dir;
  private final List<String> nudged = new CopyOnWriteArrayList<>();
  private QueueWatcher watcher;

  @AfterEach
  void stopWatcher() {
    if (watcher != null) {
      watcher.stop(QueueWatcher.STOP_WAIT);
    }
  }

  private void watch(Map<Path, List<QueueWatcher.Interest>> interests) throws Exception {
    watcher = new QueueWatcher(interests, nudged::add, Duration.ofMillis(100));
    watcher.start();
    awaitWatching(interests.keySet().stream().filter(Files::isDirectory).count());
  }

  /** The first registration happens on the watch thread: wait until it has registered {@code folders}. */
  private void awaitWatching(long folders) {
    await().atMost(Duration.ofSeconds(5)).until(() -> threadAlive() && watcher.watchedFolders() == folders);
  }

  private static QueueWatcher.Interest file(String source, String name) {
    return new QueueWatcher.Interest(source, Optional.of(Path.of(name)));
  }

  @Test
  void atomicReplacementOfAQueueFileNudgesItsSourceAndNoOther() throws Exception {
    watch(Map.of(dir, List.of(file("ideas", "ideas_log.json"), file("qa-issues", "QAissue.json"),
        file("marker", "marker.json"))));

    Queues.replaceAtomically(dir.resolve("ideas_log.json"), Queues.ideas("idea-", 0, 3));
    Files.writeString(dir.resolve("marker.json"), "[]");

    // Events of one folder arrive in order: once the marker's nudge is in, so is everything before it.
    await().atMost(Duration.ofSeconds(5)).until(() -> nudged.contains("marker"));
    assertThat(nudged).contains("ideas").doesNotContain("qa-issues");
  }

  @Test
  void anyNewEntryOfADirectorySourceNudgesIt() throws Exception {
    Path impl = Files.createDirectories(dir.resolve("implementations"));
    watch(Map.of(impl, List.of(new QueueWatcher.Interest("implementations", Optional.empty()))));

    Files.createDirectories(impl.resolve("search-box"));

    await().atMost(Duration.ofSeconds(5)).until(() -> nudged.contains("implementations"));
  }

  @Test
  void aQueueFolderMadeAfterStartIsWatchedOnceItExists() throws Exception {
    Path later = dir.resolve("later");
    watch(Map.of(later, List.of(file("ideas", "ideas_log.json"))));

    Files.createDirectories(later);
    await().atMost(Duration.ofSeconds(5)).until(() -> nudged.contains("ideas")); // resumed: one nudge
    nudged.clear();
    Queues.replaceAtomically(later.resolve("ideas_log.json"), Queues.ideas("idea-", 0, 1));

    await().atMost(Duration.ofSeconds(5)).until(() -> nudged.contains("ideas"));
  }

  @Test
  void aNudgeThatThrowsDoesNotStopTheWatching() throws Exception {
    watcher = new QueueWatcher(Map.of(dir, List.of(file("ideas", "ideas_log.json"))), source -> {
      nudged.add(source);
      throw new IllegalStateException("scheduler is gone");
    }, Duration.ofMillis(100));
    watcher.start();
    awaitWatching(1);

    Queues.replaceAtomically(dir.resolve("ideas_log.json"), Queues.ideas("idea-", 0, 1));
    await().atMost(Duration.ofSeconds(5)).until(() -> nudged.size() >= 1);
    // Replace again until a second nudge arrives: two changes close together may come as one event.
    int[] version = {2};
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
      Queues.replaceAtomically(dir.resolve("ideas_log.json"), Queues.ideas("idea-", 0, version[0]++));
      return nudged.size() >= 2;
    });
    assertThat(threadAlive()).isTrue();
  }

  @Test
  void stopEndsTheWatchThreadAndCanBeCalledTwice() throws Exception {
    watch(Map.of(dir, List.of(file("ideas", "ideas_log.json"))));

    watcher.stop(QueueWatcher.STOP_WAIT);
    watcher.stop(QueueWatcher.STOP_WAIT);

    assertThat(threadAlive()).isFalse();
  }

  private static boolean threadAlive() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("watch-queues") && t.isAlive());
  }

  @Test
  void aWatchServiceThatCannotBeMadeTurnsTheFastPathOffSaysWhyAndIsTriedAgainUntilOneCanBe() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    CountDownLatch limitLifted = new CountDownLatch(1);
    watcher = new QueueWatcher(Map.of(dir, List.of(file("ideas", "ideas_log.json"))), nudged::add,
        Duration.ofMillis(100), () -> {
          tries.incrementAndGet();
          if (limitLifted.getCount() > 0) {
            throw new IOException("User limit of inotify instances reached or too many open files");
          }
          return FileSystems.getDefault().newWatchService();
        });

    watcher.start(); // does not throw: the worker goes on polling

    assertThat(watcher.fastPath().on()).isFalse();
    assertThat(watcher.fastPath().reason()).contains("inotify instances");
    await().atMost(Duration.ofSeconds(5)).until(() -> tries.get() >= 3);
    assertThat(watcher.fastPath().on()).isFalse();

    limitLifted.countDown();
    awaitWatching(1);
    assertThat(watcher.fastPath()).isEqualTo(FastPath.ON);
    Queues.replaceAtomically(dir.resolve("ideas_log.json"), Queues.ideas("idea-", 0, 1));
    await().atMost(Duration.ofSeconds(5)).until(() -> nudged.contains("ideas"));
  }

  @Test
  void aWatchThreadThatFailsOnAnUnexpectedExceptionIsShownAsOffAndRestarted() throws Exception {
    AtomicInteger made = new AtomicInteger();
    CountDownLatch mayRestart = new CountDownLatch(1);
    Path later = dir.resolve("later"); // not there yet: the broken service is only waited on, never registered with
    watcher = new QueueWatcher(Map.of(later, List.of(file("ideas", "ideas_log.json"))), nudged::add,
        Duration.ofMillis(100), () -> {
          if (made.incrementAndGet() == 1) {
            return new BrokenWatchService(FileSystems.getDefault().newWatchService());
          }
          try {
            mayRestart.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException("interrupted");
          }
          return FileSystems.getDefault().newWatchService();
        });
    watcher.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> !watcher.fastPath().on());
    assertThat(watcher.fastPath().reason()).contains("watch thread failed").contains("inotify read failed");

    Files.createDirectories(later);
    mayRestart.countDown();
    awaitWatching(1);
    assertThat(watcher.fastPath().on()).isTrue();
    Queues.replaceAtomically(later.resolve("ideas_log.json"), Queues.ideas("idea-", 0, 1));
    await().atMost(Duration.ofSeconds(5)).until(() -> nudged.contains("ideas"));
  }

  /** A watch service whose wait fails as a bug or an unexpected error in the watch thread would. */
  private static final class BrokenWatchService implements WatchService {
    private final WatchService real;

    BrokenWatchService(WatchService real) {
      this.real = real;
    }

    @Override
    public void close() throws IOException {
      real.close();
    }

    @Override
    public WatchKey poll() {
      throw new IllegalStateException("inotify read failed");
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) {
      throw new IllegalStateException("inotify read failed");
    }

    @Override
    public WatchKey take() {
      throw new IllegalStateException("inotify read failed");
    }
  }
}
