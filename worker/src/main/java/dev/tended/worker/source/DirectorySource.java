package dev.tended.worker.source;

import dev.tended.queue.FileStamp;
import dev.tended.queue.QueueSource;
import dev.tended.queue.ItemSink;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.SinkFailedException;
import dev.tended.queue.Batcher;
import dev.tended.queue.QueueItem;
import dev.tended.queue.CanonicalJson;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tended.io.SafeFileNames;
import dev.tended.logging.Kv;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code directory} source: every entry directly under a folder is an item, except the names
 * {@link EntryNames} ignores, once it has stopped changing, that is once its {@link EntryStamp} is
 * the same on two consecutive polls. The item's id is the entry name and its content hash comes from
 * the stamp, so an entry changed after it was offered is offered again, as a new version, once it is
 * stable again. Its JSON is {@code {"kind", "modifiedAt", "name", "path", "size"}}; {@code path}
 * opens the entry from any process.
 *
 * <p>The folder is listed on every poll (a growing file does not change its folder's stamp), and
 * every entry is {@code lstat}ed. A sub-folder is walked while it settles; once offered, it is walked
 * again only when one of its folders changed (a name added, removed or renamed anywhere in it: see
 * {@link TreeSurvey}) or when its last walk is older than {@code rewalkEvery} (a file rewritten in
 * place deep inside is seen then), so finished trees cost a {@code stat} per folder, not a walk.
 *
 * <p>What cannot be one item whose path opens is a fault naming the entry, in the poll's error (the
 * status file's {@code lastError}) on every poll while it is there, and logged once ({@code
 * queue_entry_skipped}): a name that is not valid UTF-8 (see {@link EntryName}), a FIFO, socket or
 * device, a symbolic link that is dangling, loops or points at a folder (links to files are followed;
 * links are never followed to folders, nor inside a tree), an entry that cannot be read. Entries are
 * never opened, moved or deleted. Not thread-safe: owned by the one poller thread of its source.
 */
final class DirectorySource implements QueueSource {
  private static final Logger log = LoggerFactory.getLogger(DirectorySource.class);

  /** The longest a sub-folder already offered goes without a walk of its whole tree. */
  static final Duration REWALK_EVERY = Duration.ofMinutes(10);
  /** The most faulty entries the poll's error names; the rest are counted. */
  private static final int FAULTS_NAMED = 10;

  private final String name;
  private final Path folder;
  private final int batchSize;
  private final long rewalkEveryNanos;

  private Map<String, EntryStamp> seen = new HashMap<>(); // at the last poll
  private final Map<String, EntryStamp> offered = new HashMap<>(); // accepted by the sink
  private final Map<String, TreeSurvey> surveys = new HashMap<>(); // the last walk of each sub-folder
  private final Set<String> skipped = new HashSet<>(); // faults logged once, by shown name
  private long walks; // trees walked, for tests

  DirectorySource(String name, Path folder, int batchSize) {
    this(name, folder, batchSize, REWALK_EVERY);
  }

  DirectorySource(String name, Path folder, int batchSize, Duration rewalkEvery) {
    this.name = Objects.requireNonNull(name, "name");
    this.folder = Objects.requireNonNull(folder, "folder").toAbsolutePath();
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    this.batchSize = batchSize;
    this.rewalkEveryNanos = rewalkEvery.toNanos();
  }

  /** How many sub-folder trees this source has walked so far. */
  long walks() {
    return walks;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PollOutcome poll(ItemSink sink) throws IOException {
    Objects.requireNonNull(sink, "sink");
    List<Path> entries;
    try {
      BasicFileAttributes attrs = Files.readAttributes(folder, BasicFileAttributes.class);
      if (!attrs.isDirectory()) {
        forget();
        return PollOutcome.failed(
            folder + ": not a directory (" + (attrs.isRegularFile() ? "regular file"
                : FileStamp.kindOf(attrs)) + ")");
      }
      entries = list();
    } catch (NoSuchFileException e) {
      forget();
      return PollOutcome.absentPath();
    } catch (IOException e) {
      forget();
      return PollOutcome.failed(folder + ": cannot list: " + e);
    }

    Map<String, EntryStamp> now = new HashMap<>();
    Map<String, EntryStamp> ready = new HashMap<>();
    List<QueueItem> items = new ArrayList<>();
    Map<String, String> faults = new LinkedHashMap<>(); // shown name -> why it is not an item
    for (Path entry : entries) {
      EntryName entryName = EntryName.of(entry);
      if (entryName.text().isEmpty()) {
        faults.put(entryName.shown(), "name is not valid UTF-8");
        continue;
      }
      String id = entryName.text().get();
      EntryStamp stamp = stamp(entry, id, faults);
      if (stamp == null) {
        continue;
      }
      now.put(id, stamp);
      if (stamp.equals(seen.get(id)) && !stamp.equals(offered.get(id))) {
        ready.put(id, stamp);
        items.add(item(id, stamp));
      }
    }
    seen = now;
    offered.keySet().retainAll(now.keySet());
    surveys.keySet().retainAll(now.keySet());
    report(faults);

    Batcher batcher = new Batcher(batch -> {
      sink.accept(batch);
      for (QueueItem item : batch) {
        offered.put(item.id(), ready.get(item.id()));
      }
    }, batchSize);
    try {
      for (QueueItem item : items) {
        batcher.add(item);
      }
      batcher.flush();
    } catch (SinkFailedException e) {
      throw e.getCause();
    }
    return new PollOutcome(true, batcher.offered(), Optional.empty(), describe(faults), false);
  }

  private List<Path> list() throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      for (Path entry : stream) {
        if (!EntryNames.ignored(entry.getFileName().toString())) {
          entries.add(entry);
        }
      }
    }
    entries.sort(null);
    return entries;
  }

  /**
   * The entry's stamp, or null when it is not (or not yet, or no longer) a stable candidate; adds to
   * {@code faults} why an entry that is there cannot be an item.
   */
  private EntryStamp stamp(Path entry, String id, Map<String, String> faults) {
    try {
      BasicFileAttributes own = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (own.isSymbolicLink()) {
        return linked(entry, id, faults);
      }
      if (own.isRegularFile()) {
        return EntryStamp.ofFile(own);
      }
      if (own.isDirectory()) {
        return tree(entry, id);
      }
      faults.put(id, FileStamp.kindOf(own));
    } catch (NoSuchFileException e) {
      // it vanished between listing and stat, or during the walk: nothing to offer yet
    } catch (IOException e) {
      log.debug("queue_entry_unreadable source={} entry={} error={}", name, Kv.q(id), Kv.q(e.toString()));
      faults.put(id, "cannot be read: " + e);
    }
    return null;
  }

  /** A link entry: a link to a regular file is that file; any other link is a fault. */
  private static EntryStamp linked(Path entry, String id, Map<String, String> faults) {
    try {
      BasicFileAttributes target = Files.readAttributes(entry, BasicFileAttributes.class);
      if (target.isRegularFile()) {
        return EntryStamp.ofFile(target);
      }
      faults.put(id, target.isDirectory() ? "symbolic link to a folder (not followed)"
          : "symbolic link to a " + FileStamp.kindOf(target));
    } catch (NoSuchFileException e) {
      faults.put(id, "dangling symbolic link");
    } catch (FileSystemException e) {
      String reason = String.valueOf(e.getReason());
      faults.put(id, reason.contains("symbolic links") ? "symbolic link loop"
          : "symbolic link that cannot be followed: " + reason);
    } catch (IOException e) {
      faults.put(id, "symbolic link that cannot be followed: " + e);
    }
    return null;
  }

  /** A sub-folder's stamp: its last walk's while that is still good, else a new walk's. */
  private EntryStamp tree(Path entry, String id) throws IOException {
    TreeSurvey last = surveys.get(id);
    if (last != null && last.stamp().equals(offered.get(id))
        && System.nanoTime() - last.walkedAt() < rewalkEveryNanos && last.marksUnchanged()) {
      return last.stamp();
    }
    walks++;
    TreeSurvey survey = TreeSurvey.walk(entry);
    surveys.put(id, survey);
    return survey.stamp();
  }

  /** Logs each fault once, while it lasts. */
  private void report(Map<String, String> faults) {
    skipped.retainAll(faults.keySet());
    faults.forEach((entry, why) -> {
      if (skipped.add(entry)) {
        log.warn("queue_entry_skipped source={} entry={} kind={}", name, Kv.q(entry), Kv.q(why));
      }
    });
  }

  /** The poll's error naming the entries that are not items, or empty when there are none. */
  private Optional<String> describe(Map<String, String> faults) {
    if (faults.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder(folder.toString()).append(": ").append(faults.size())
        .append(faults.size() == 1 ? " entry is" : " entries are").append(" not items: ");
    int named = 0;
    for (var f : faults.entrySet()) {
      if (named == FAULTS_NAMED) {
        sb.append(", and ").append(faults.size() - named).append(" more");
        break;
      }
      sb.append(named++ == 0 ? "" : ", ").append('"').append(f.getKey()).append("\" (").append(f.getValue()).append(')');
    }
    return Optional.of(sb.toString());
  }

  private QueueItem item(String id, EntryStamp stamp) {
    String dir = folder.toString();
    ObjectNode json = CanonicalJson.MAPPER.createObjectNode()
        .put("name", id)
        .put("path", dir.endsWith("/") ? dir + id : dir + "/" + id) // exact bytes even where Path's are not
        .put("kind", stamp.kind())
        .put("size", stamp.size())
        .put("modifiedAt", stamp.modified().toString());
    return new QueueItem(id, SafeFileNames.sha256Hex(stamp.describe()), CanonicalJson.write(json));
  }

  private void forget() {
    seen = new HashMap<>();
    offered.clear();
    surveys.clear();
    skipped.clear();
  }
}
