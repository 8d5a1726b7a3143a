package dev.tended.ledger;

import dev.tended.io.DataFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import dev.tended.logging.Kv;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts sqlite-jdbc's native library in one fixed place instead of the temporary folder. Left alone,
 * sqlite-jdbc extracts it to {@code java.io.tmpdir} under a new random name in every process and
 * deletes it only at a clean exit, so each {@code kill -9} of a worker leaves about 1 MiB behind. Here
 * it is extracted once into a cache folder under a name made of its content's hash (written to a
 * temporary name there, then renamed, so a reader never loads a half-written file), reused by every
 * later process, and handed to sqlite-jdbc through {@code org.sqlite.lib.path} and
 * {@code org.sqlite.lib.name}, which make it load that file and extract nothing.
 *
 * <p>Process-wide and once: the first ledger opened chooses the folder; a library already loaded, or
 * chosen by the operator with those properties, is left as it is. When the folder cannot be written and
 * holds no copy (a read-only command on a fresh data folder) sqlite-jdbc extracts as before.
 */
final class SqliteNativeLibrary {
  private static final Logger log = LoggerFactory.getLogger(SqliteNativeLibrary.class);
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";
  private static boolean settled;

  private SqliteNativeLibrary() {}

  /** Chooses {@code cacheDir} for the native library unless one is chosen already. */
  static synchronized void useCache(Path cacheDir) {
    if (settled) {
      return;
    }
    settled = true;
    if (System.getProperty(PATH_PROPERTY) != null) {
      return; // the operator's choice
    }
    try {
      Optional<Path> lib = cachedCopy(cacheDir);
      if (lib.isPresent()) {
        System.setProperty(PATH_PROPERTY, lib.get().getParent().toString());
        System.setProperty(NAME_PROPERTY, lib.get().getFileName().toString());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("sqlite_native_not_cached cache_dir={} reason={}", Kv.q(cacheDir),
          Kv.q(String.valueOf(e.getMessage())));
    }
  }

  /** The library's copy in {@code cacheDir}, made now when absent; empty when this jar has none. */
  static Optional<Path> cachedCopy(Path cacheDir) throws IOException {
    String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    URL url = SQLiteJDBCLoader.class.getClassLoader().getResource(resource.substring(1));
    if (url == null) {
      return Optional.empty(); // no bundled library for this platform: sqlite-jdbc looks elsewhere
    }
    byte[] bytes;
    try (InputStream in = url.openStream()) {
      bytes = in.readAllBytes();
    }
    String name = "sqlite-" + SQLiteJDBCLoader.getVersion() + "-" + sha256(bytes).substring(0, 16) + "-"
        + LibraryLoaderUtil.getNativeLibName();
    Path target = cacheDir.resolve(name);
    // A library loaded from the data folder must be this jar's own: no link to elsewhere, same bytes.
    DataFolder.checkBelow(cacheDir.getParent(), target);
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length
        && Arrays.equals(Files.readAllBytes(target), bytes)) {
      return Optional.of(target);
    }
    DataFolder.createDirectories(cacheDir.getParent(), cacheDir);
    Path partial = cacheDir.resolve(name + "." + ProcessHandle.current().pid() + ".partial");
    try {
      try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        out.write(bytes);
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(partial);
    }
    return Optional.of(target);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
