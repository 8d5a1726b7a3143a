package dev.tended.testkit.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating-system user the server's programs run as. PostgreSQL refuses to run as root, and CI
 * runs the tests as root: then the programs run as Debian's {@code postgres} system user, through
 * {@code setpriv} (which execs, so the child the JVM holds is the server itself, not a wrapper that
 * would have to pass signals on), and the cluster's folder is handed to that user. A developer's
 * normal user runs them as itself. Stateless.
 */
final class ServerUser {
  private static final String SYSTEM_USER = "postgres";
  private final boolean root;

  private ServerUser(boolean root) {
    this.root = root;
  }

  /** The user for this JVM: {@code postgres} when this JVM runs as root, else this JVM's own user. */
  static ServerUser forThisJvm() {
    return new ServerUser(effectiveUid() == 0);
  }

  /** {@code command} as that user runs it. */
  List<String> command(List<String> command) {
    if (!root) {
      return command;
    }
    List<String> as = new ArrayList<>(List.of("setpriv", "--reuid=" + SYSTEM_USER, "--regid=" + SYSTEM_USER,
        "--init-groups", "--"));
    as.addAll(command);
    return as;
  }

  /**
   * Makes {@code dir} and everything under it that user's, and checks that user can reach it: a parent
   * folder only root may enter (a temporary folder nested in another) would stop the server.
   */
  void own(Path dir) throws IOException {
    if (!root) {
      return;
    }
    UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SYSTEM_USER);
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        Files.setOwner(p, postgres);
      }
    }
    for (Path up = dir.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
      if (!Files.getPosixFilePermissions(up).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IOException("the " + SYSTEM_USER + " user cannot reach " + dir + ": " + up
            + " is not searchable by others (give PostgresServer a folder directly under a temporary folder)");
      }
    }
  }

  /** The owner of {@code /proc/self} is this process's effective user. */
  private static int effectiveUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }
}
