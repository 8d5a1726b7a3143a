package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import dev.tended.testkit.Folders;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Test support: a simulated power cut of the files tended writes itself, applied to the data folder
 * after the worker (started through {@code WorkerProcess.faultableWorkerCommand}, with {@code
 * TENDED_TEST_POWERCUT_DIR} in its environment) was killed. A SIGKILL loses only what the process
 * held, the page cache survives it; a power cut also loses what was never forced. So: every name created through {@link AtomicFiles} that is not in its
 * folder's last forced namespace disappears, a name that is gets back the file it had then, and a
 * file whose data was never forced is torn (cut to a random length, possibly 0). Files tended did
 * not create through {@link AtomicFiles} (the ledger, which is SQLite's business, logs, queue files)
 * are left alone. Afterwards what is on disk counts as durable, as after a real reboot.
 */
public final class PowerCut {
  private PowerCut() {}

  /**
   * Whether a worker's recorder has written anything in {@code shadowDir}: false after a worker ran
   * means the faults never reached it (it was not started through the faultable entry point), and a
   * scenario that then finds nothing torn proves nothing.
   */
  public static boolean recorded(Path shadowDir) {
    return Files.isRegularFile(shadowDir.resolve(PowerCutShadow.JOURNAL));
  }

  /** What the cut did to one name. */
  public enum Effect {
    /** Created after its folder's last force: gone. */
    DROPPED,
    /** Replaced or removed after its folder's last force: back to the file it named then. */
    ROLLED_BACK,
    /** Its data was never forced: cut to a random length. */
    TORN
  }

  /** One name the cut changed. */
  public record Change(Path path, Effect effect) {}

  /** Cuts the power of the files recorded in {@code shadowDir}; returns what changed. */
  public static List<Change> apply(Path shadowDir, Random random) throws IOException {
    PowerCutShadow shadow = new PowerCutShadow(shadowDir);
    PowerCutShadow.Journal journal = shadow.readJournal();
    Map<Path, Set<String>> byFolder = new LinkedHashMap<>();
    for (Path p : journal.created()) {
      byFolder.computeIfAbsent(p.getParent(), k -> new LinkedHashSet<>()).add(p.getFileName().toString());
    }
    List<Path> folders = new ArrayList<>(byFolder.keySet());
    folders.sort(Comparator.comparingInt(Path::getNameCount));
    List<Change> changes = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        continue; // dropped with its parent
      }
      Map<String, PowerCutShadow.Entry> durable = shadow.latest(folder).orElse(Map.of());
      for (String name : byFolder.get(folder)) {
        cut(shadow, folder.resolve(name), Optional.ofNullable(durable.get(name)), journal, random, changes);
      }
    }
    for (Path folder : folders) {
      if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        shadow.snapshot(folder);
        for (PowerCutShadow.Entry e : shadow.latest(folder).orElse(Map.of()).values()) {
          if (!e.directory()) {
            shadow.forced(e.key());
          }
        }
      }
    }
    return changes;
  }

  private static void cut(PowerCutShadow shadow, Path path, Optional<PowerCutShadow.Entry> durable,
      PowerCutShadow.Journal journal, Random random, List<Change> changes) throws IOException {
    boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    if (durable.isEmpty()) {
      if (exists) {
        Folders.deleteTree(path);
        shadow.forget(path);
        changes.add(new Change(path, Effect.DROPPED));
      }
      return;
    }
    PowerCutShadow.Entry e = durable.get();
    if (e.directory()) {
      if (!exists) {
        Files.createDirectory(path); // removed after the force: back, its own entries follow
        changes.add(new Change(path, Effect.ROLLED_BACK));
      }
      return;
    }
    String now = exists && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? PowerCutShadow.key(path) : null;
    if (!e.key().equals(now)) {
      Folders.deleteTree(path);
      Files.copy(e.link(), path, StandardCopyOption.COPY_ATTRIBUTES);
      changes.add(new Change(path, Effect.ROLLED_BACK));
    }
    if (!journal.isForced(e.key())) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
        long size = ch.size();
        ch.truncate(size == 0 ? 0 : (long) (random.nextDouble() * size));
      }
      changes.add(new Change(path, Effect.TORN));
    }
  }
}
