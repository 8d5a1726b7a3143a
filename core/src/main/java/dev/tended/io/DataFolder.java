package dev.tended.io;

import dev.tended.logging.Kv;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that creates folders and opens files inside a data folder, refusing symbolic links
 * there: whoever can write in the data folder (a handler runs with it as its working directory) could
 * otherwise plant {@code results/ideas -> /etc} or {@code work/ideas/i1/input.json -> ~/.bashrc} and
 * have tended write or truncate a file elsewhere. Below the data folder's root every path component
 * must be a real folder or file; the root itself, and paths configured outside it, are the
 * operator's choice and may be links.
 *
 * <p>Files are opened with {@link LinkOption#NOFOLLOW_LINKS} ({@code O_NOFOLLOW}, which covers the
 * last component), the folders above them are checked without following links before and after
 * they are created. The checks are made per operation, not with {@code openat} from the root: a folder
 * swapped for a link between the check and the open is not caught (that would take a descriptor walk
 * in native code); a file's own name is never followed. A link found is logged ({@code data_folder_link_refused})
 * and thrown as a {@link PlantedLinkException}, so that each caller's handling of a failed write
 * applies.
 *
 * <p>Which folders are data folders: those whose {@link DataFolderLock} this process holds (the worker
 * and the supervisor take their folder's lock before they write anything else there), or a root
 * named by the caller. Thread-safe: the set of held roots is concurrent, everything else is stateless.
 */
public final class DataFolder {
  private static final Logger log = LoggerFactory.getLogger(DataFolder.class);
  /** Roots of the data folders whose lock this process holds. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private DataFolder() {}

  static void held(Path root) {
    HELD.add(normal(root));
  }

  static void released(Path root) {
    HELD.remove(normal(root));
  }

  /** The data folder {@code path} lies in: the innermost held root above it, if any. */
  static Optional<Path> rootOf(Path path) {
    Path p = normal(path);
    return HELD.stream().filter(p::startsWith).max((a, b) -> Integer.compare(a.getNameCount(), b.getNameCount()));
  }

  /**
   * Throws when a component of {@code path} below the data folder it lies in (a held one) is a
   * symbolic link; does nothing for a path outside every held data folder.
   */
  public static void check(Path path) throws PlantedLinkException {
    Optional<Path> root = rootOf(path);
    if (root.isPresent()) {
      checkBelow(root.get(), path);
    }
  }

  /**
   * Throws when a component of {@code path} below {@code root} (not {@code root} itself) is a
   * symbolic link; components that do not exist yet end the walk. Nothing is checked when {@code
   * path} is not below {@code root}.
   */
  public static void checkBelow(Path root, Path path) throws PlantedLinkException {
    Path r = normal(root);
    Path p = normal(path);
    if (!p.startsWith(r)) {
      return;
    }
    Path c = r;
    for (Path name : r.relativize(p)) {
      if (name.toString().isEmpty()) {
        continue;
      }
      c = c.resolve(name);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(c, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException gone) {
        return; // missing (or unreadable): nothing below it can be followed through it
      }
      if (a.isSymbolicLink()) {
        throw refused(c);
      }
    }
  }

  /**
   * Creates {@code dir} and its missing parents (plain, not forced: for folders that a power cut may
   * lose, such as an item's work folder), refusing links below the data folder it lies in.
   */
  public static void createDirectories(Path dir) throws IOException {
    Optional<Path> root = rootOf(dir);
    if (root.isPresent()) {
      createDirectories(root.get(), dir);
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * As {@link #createDirectories(Path)}, below the data folder {@code root} (created too if missing),
   * for a caller that does not hold the folder's lock yet (the log folder is made before it is taken).
   */
  public static void createDirectories(Path root, Path dir) throws IOException {
    checkBelow(root, dir); // before: a linked folder would have the new ones made inside its target
    Files.createDirectories(dir);
    checkBelow(root, dir);
  }

  /**
   * Opens {@code file} with {@code options} and {@link LinkOption#NOFOLLOW_LINKS}, after checking the
   * folders above it; the folder must exist. A link at {@code file} itself is refused, not followed.
   */
  public static FileChannel open(Path file, OpenOption... options) throws IOException {
    check(file.toAbsolutePath().getParent());
    OpenOption[] all = Arrays.copyOf(options, options.length + 1);
    all[options.length] = LinkOption.NOFOLLOW_LINKS;
    try {
      return FileChannel.open(file, all);
    } catch (IOException e) { // ELOOP comes as a plain IOException
      if (Files.isSymbolicLink(file)) {
        throw refused(file.toAbsolutePath());
      }
      throw e;
    }
  }

  /**
   * Creates {@code file} or empties it, and writes {@code data}: for files the worker writes in
   * place (an item's {@code input.json}, an attempt's output); its folders are created as needed.
   */
  public static void write(Path file, byte[] data) throws IOException {
    createDirectories(file.toAbsolutePath().getParent());
    try (FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
  }

  /**
   * Called before {@code target} is replaced by a rename: a rename replaces a link rather than
   * writing through it, so a planted link there is harmless and is only reported
   * ({@code data_folder_link_replaced}).
   */
  static void replacing(Path target) {
    if (rootOf(target).isPresent() && Files.isSymbolicLink(target)) {
      String to;
      try {
        to = Files.readSymbolicLink(target).toString();
      } catch (IOException e) {
        to = "unreadable";
      }
      log.warn("data_folder_link_replaced path={} pointed_to={} note={}", Kv.q(target), Kv.q(to),
          Kv.q("the link is replaced by the file; its target is left as it was"));
    }
  }

  private static PlantedLinkException refused(Path link) {
    log.error("data_folder_link_refused path={} note={}", Kv.q(link),
        Kv.q("a symbolic link inside the data folder; nothing is written through it: remove it"));
    return new PlantedLinkException(link);
  }

  private static Path normal(Path p) {
    return p.toAbsolutePath().normalize();
  }
}
