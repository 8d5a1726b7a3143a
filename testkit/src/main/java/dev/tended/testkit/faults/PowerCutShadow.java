package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import dev.tended.testkit.Folders;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a simulated power cut needs to know, kept in a folder of its own beside the data: a journal
 * of the names created through {@link FileOps} and of which files' data was forced, and for every
 * folder the durable namespace its last force made, as hard links (a hard link keeps the inode
 * that was forced even after a later rename replaces the name). Only a SIGKILL has to be survived,
 * not a real power cut, so nothing here is forced: the page cache keeps it.
 *
 * <p>Layout: {@code journal} (lines {@code created<TAB>path}, {@code new<TAB>key}, {@code
 * forced<TAB>key}, where a key is the file's device and inode) and {@code snap/<folder, URL-encoded>/
 * <generation>/} holding {@code MANIFEST} (lines {@code f<TAB>key<TAB>link<TAB>name} or {@code
 * d<TAB>-<TAB>-<TAB>name}) and the links {@code e-<n>}. A generation becomes visible by a rename
 * once complete; older ones are then removed. Models files written once and never changed in
 * place after a force, which is how tended writes its own files.
 *
 * <p>Thread-safe: every method is synchronized (a folder's snapshots must be taken in the order of
 * the forces they stand for).
 */
final class PowerCutShadow {
  private static final String MANIFEST = "MANIFEST";
  static final String JOURNAL = "journal";

  private final Path root;
  private final Map<Path, Long> lastGeneration = new HashMap<>();
  private FileChannel journal;

  PowerCutShadow(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  /** The device-and-inode key of {@code file} (not following a link). */
  static String key(Path file) throws IOException {
    Object k = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    if (k == null) {
      throw new IOException("no file key (device and inode) for " + file + " on this file system");
    }
    return k.toString();
  }

  synchronized void created(Path path) throws IOException {
    append("created\t" + normal(path));
  }

  synchronized void newFile(String key) throws IOException {
    append("new\t" + key);
  }

  synchronized void forced(String key) throws IOException {
    append("forced\t" + key);
  }

  private void append(String line) throws IOException {
    if (journal == null) {
      Files.createDirectories(root);
      journal = FileChannel.open(root.resolve(JOURNAL), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    }
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      journal.write(b);
    }
  }

  /** Records {@code folder}'s entries as they are now as its durable namespace. */
  synchronized void snapshot(Path folder) throws IOException {
    Path dir = normal(folder);
    Path base = Files.createDirectories(root.resolve("snap").resolve(encode(dir)));
    long gen = lastGeneration.containsKey(dir) ? lastGeneration.get(dir) + 1 : newestGeneration(base) + 1;
    Path temp = base.resolve(".tmp-" + gen);
    Folders.deleteTree(temp);
    Files.createDirectory(temp);
    StringBuilder manifest = new StringBuilder();
    int n = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path e : entries) {
        String name = e.getFileName().toString();
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue;
        }
        if (a.isDirectory()) {
          manifest.append("d\t-\t-\t").append(name).append('\n');
        } else if (a.isRegularFile()) {
          String link = "e-" + n++;
          try {
            Files.createLink(temp.resolve(link), e);
          } catch (NoSuchFileException gone) {
            continue;
          }
          manifest.append("f\t").append(key(temp.resolve(link))).append('\t').append(link).append('\t')
              .append(name).append('\n');
        }
      }
    }
    Files.writeString(temp.resolve(MANIFEST), manifest);
    Files.move(temp, base.resolve(String.format("%016d", gen)), StandardCopyOption.ATOMIC_MOVE);
    lastGeneration.put(dir, gen);
    try (Stream<Path> gens = Files.list(base)) {
      for (Path old : gens.filter(p -> isGeneration(p) && generation(p) < gen).toList()) {
        Folders.deleteTree(old);
      }
    }
  }

  /** One entry of a folder's durable namespace. */
  record Entry(String name, boolean directory, String key, Path link) {}

  /** A folder's last durable namespace, by name. */
  synchronized Optional<Map<String, Entry>> latest(Path folder) throws IOException {
    Path base = root.resolve("snap").resolve(encode(normal(folder)));
    long gen = newestGeneration(base);
    if (gen < 0) {
      return Optional.empty();
    }
    Path g = base.resolve(String.format("%016d", gen));
    Map<String, Entry> entries = new HashMap<>();
    for (String line : Files.readAllLines(g.resolve(MANIFEST), StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", 4);
      if (f.length == 4) {
        boolean d = f[0].equals("d");
        entries.put(f[3], new Entry(f[3], d, d ? null : f[1], d ? null : g.resolve(f[2])));
      }
    }
    return Optional.of(entries);
  }

  /** What the journal says: every name created through the seam, and whether each key's data was forced. */
  record Journal(Set<Path> created, Map<String, Boolean> forced) {
    boolean isForced(String key) {
      return forced.getOrDefault(key, false);
    }
  }

  synchronized Journal readJournal() throws IOException {
    Set<Path> created = new LinkedHashSet<>();
    Map<String, Boolean> forced = new HashMap<>();
    Path file = root.resolve(JOURNAL);
    List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split("\t", 2);
      if (f.length < 2) {
        continue; // the last line, cut by the kill
      }
      switch (f[0]) {
        case "created" -> created.add(Path.of(f[1]));
        case "new" -> forced.put(f[1], false);
        case "forced" -> forced.put(f[1], true);
        default -> { }
      }
    }
    return new Journal(created, forced);
  }

  /** Forgets the snapshots of {@code dir} and everything under it (the folder itself is gone). */
  synchronized void forget(Path dir) throws IOException {
    Path snaps = root.resolve("snap");
    if (!Files.isDirectory(snaps)) {
      return;
    }
    Path gone = normal(dir);
    try (Stream<Path> s = Files.list(snaps)) {
      for (Path base : s.toList()) {
        Path folder = Path.of(URLDecoder.decode(base.getFileName().toString(), StandardCharsets.UTF_8));
        if (folder.startsWith(gone)) {
          Folders.deleteTree(base);
          lastGeneration.remove(folder);
        }
      }
    }
  }

  private static long newestGeneration(Path base) throws IOException {
    if (!Files.isDirectory(base)) {
      return -1;
    }
    try (Stream<Path> gens = Files.list(base)) {
      return gens.filter(PowerCutShadow::isGeneration).mapToLong(PowerCutShadow::generation).max().orElse(-1);
    }
  }

  private static boolean isGeneration(Path p) {
    String n = p.getFileName().toString();
    return n.length() == 16 && n.chars().allMatch(Character::isDigit);
  }

  private static long generation(Path p) {
    return Long.parseLong(p.getFileName().toString());
  }

  private static Path normal(Path p) {
    return p.toAbsolutePath().normalize();
  }

  private static String encode(Path dir) {
    return URLEncoder.encode(dir.toString(), StandardCharsets.UTF_8);
  }
}
