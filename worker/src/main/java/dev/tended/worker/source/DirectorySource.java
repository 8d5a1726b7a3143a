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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * stable again. Its JSON is {@code {"kind", "modifiedAt", "name", "path", "size"}}.
 *
 * <p>The folder is listed on every poll (a growing file does not change its folder's stamp). Entries
 * are never opened, moved or deleted. Entries that are neither files nor folders (FIFOs, sockets,
 * devices, dangling links) are skipped and logged once. Not thread-safe: owned by the one poller
 * thread of its source.
 */
final class DirectorySource implements QueueSource {
  private static final Logger log = LoggerFactory.getLogger(DirectorySource.class);

  private final String name;
  private final Path folder;
  private final int batchSize;

  private Map<String, EntryStamp> seen = new HashMap<>(); // at the last poll
  private final Map<String, EntryStamp> offered = new HashMap<>(); // accepted by the sink
  private final Set<String> skipped = new HashSet<>(); // logged once as not a file or folder

  DirectorySource(String name, Path folder, int batchSize) {
    this.name = Objects.requireNonNull(name, "name");
    this.folder = Objects.requireNonNull(folder, "folder").toAbsolutePath();
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    this.batchSize = batchSize;
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

    Set<String> listed = new HashSet<>();
    Map<String, EntryStamp> now = new HashMap<>();
    Map<String, EntryStamp> ready = new HashMap<>();
    List<QueueItem> items = new ArrayList<>();
    for (Path entry : entries) {
      String entryName = entry.getFileName().toString();
      listed.add(entryName);
      EntryStamp stamp = stamp(entry, entryName);
      if (stamp == null) {
        continue;
      }
      now.put(entryName, stamp);
      if (stamp.equals(seen.get(entryName)) && !stamp.equals(offered.get(entryName))) {
        ready.put(entryName, stamp);
        items.add(item(entry, entryName, stamp));
      }
    }
    seen = now;
    offered.keySet().retainAll(now.keySet());
    skipped.retainAll(listed);

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
    return new PollOutcome(true, batcher.offered(), Optional.empty(), Optional.empty(), false);
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

  /** The entry's stamp, or null when it is not (or not yet, or no longer) a stable candidate. */
  private EntryStamp stamp(Path entry, String entryName) {
    try {
      BasicFileAttributes attrs = Files.readAttributes(entry, BasicFileAttributes.class);
      if (attrs.isRegularFile()) {
        return EntryStamp.ofFile(attrs);
      }
      if (attrs.isDirectory()) {
        return EntryStamp.ofTree(entry);
      }
      skip(entryName, FileStamp.kindOf(attrs));
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(entry)) {
        skip(entryName, "dangling symbolic link");
      }
      // otherwise it vanished between listing and stat: nothing to offer
    } catch (IOException e) {
      log.debug("queue_entry_unreadable source={} entry={} error={}", name, Kv.q(entryName), Kv.q(e.toString()));
    }
    return null;
  }

  private void skip(String entryName, String kind) {
    if (skipped.add(entryName)) {
      log.warn("queue_entry_skipped source={} entry={} kind={}", name, Kv.q(entryName), Kv.q(kind));
    }
  }

  private QueueItem item(Path entry, String entryName, EntryStamp stamp) {
    ObjectNode json = CanonicalJson.MAPPER.createObjectNode()
        .put("name", entryName)
        .put("path", entry.toString())
        .put("kind", stamp.kind())
        .put("size", stamp.size())
        .put("modifiedAt", stamp.modified().toString());
    return new QueueItem(
        entryName, SafeFileNames.sha256Hex(stamp.describe()), CanonicalJson.write(json));
  }

  private void forget() {
    seen = new HashMap<>();
    offered.clear();
    skipped.clear();
  }
}
