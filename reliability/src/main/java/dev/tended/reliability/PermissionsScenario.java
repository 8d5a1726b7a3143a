package dev.tended.reliability;

import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Permissions: as a user who may not read one source's queue file, nor write another source's
 * results folder, the worker must say so clearly in its status file (per source) while the third
 * source keeps going; once the permissions are put right, everything completes. Root reads and
 * writes anything, so as root the worker runs as {@code nobody} (through {@code setpriv}).
 */
final class PermissionsScenario implements Scenario {
  private static final String FAULT = "unreadable queue file and unwritable results folder (non-root worker)";

  @Override
  public String name() {
    return "permissions";
  }

  @Override
  public List<Outcome> run(Suite suite) throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    try (Rig rig = new Rig(suite, "permissions")) {
      Path handler = rig.handler("ok.sh", "exit 0");
      rig.source(Rig.jsonQueue("ideas", "ideas_log.json", 1, handler, ""))
          .source(Rig.jsonQueue("qa-issues", "QAissue.json", 1, handler, ""))
          .source(Rig.jsonQueue("notes", "notes.json", 1, handler, ""))
          .write();
      Queues ideas = new Queues(rig.dataDir().resolve("ideas_log.json"), "idea");
      Queues qa = new Queues(rig.dataDir().resolve("QAissue.json"), "qa");
      Queues notes = new Queues(rig.dataDir().resolve("notes.json"), "note");
      ideas.add(3);
      qa.add(3);
      notes.add(3);
      Path unreadable = rig.dataDir().resolve("ideas_log.json");
      Path unwritable = Files.createDirectories(rig.dataDir().resolve("results/qa-issues"));
      Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
      List<String> prefix = List.of();
      if (root) {
        if (Commands.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true") != 0) {
          return List.of(Outcome.skipped(FAULT, "root, and setpriv cannot switch to nobody here"));
        }
        openUpFor(suite.work(), rig);
        Files.createFile(rig.runLog());
        Files.setPosixFilePermissions(rig.runLog(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Commands.run("chown", "-R", "65534:65534", rig.dataDir().toString());
        Commands.run("chown", "0:0", unreadable.toString(), unwritable.toString());
        Files.setPosixFilePermissions(unwritable, PosixFilePermissions.fromString("r-xr-xr-x"));
        prefix = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--");
      } else {
        Files.setPosixFilePermissions(unwritable, PosixFilePermissions.fromString("r-xr-xr-x"));
      }
      WorkerProcess w = rig.startAs(prefix);
      rig.awaitBeat(w, Duration.ofSeconds(60));
      WorkerStatus s = rig.await(st -> st.sources().get("notes").succeeded() == 3
          && error(st, "ideas").isPresent() && error(st, "qa-issues").isPresent(), Duration.ofSeconds(30));
      String ideasError = error(s, "ideas").orElse("");
      String qaError = error(s, "qa-issues").orElse("");
      boolean clear = ideasError.contains("ideas_log.json") && mentionsPermission(ideasError)
          && qaError.contains("results") && mentionsPermission(qaError);
      notes.add(2);
      rig.await(st -> st.sources().get("notes").succeeded() == 5, Duration.ofSeconds(30));
      long t0 = System.nanoTime();
      Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(unwritable, PosixFilePermissions.fromString("rwxrwxrwx"));
      rig.awaitDrained(11, rig.pace());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      rig.stop();
      Audit audit = Audit.of(rig.dataDir(), Map.of("ideas", ideas.ids(), "qa-issues", qa.ids(), "notes", notes.ids()),
          RunLog.read(rig.runLog()));
      String note = (root ? "worker ran as nobody; " : "") + "status said: ideas: \"" + shorten(ideasError, rig)
          + "\"; qa-issues: \"" + shorten(qaError, rig) + "\"; notes kept going; recovery = permissions fixed → all done"
          + HangScenario.problems(audit);
      return List.of(new Outcome(FAULT, 2, audit.produced(), audit.succeeded(), audit.lost(), audit.rerunAfterFinish(),
          ms, Outcome.verdict(clear && audit.clean()), note));
    }
  }

  private static boolean mentionsPermission(String error) {
    String e = error.toLowerCase();
    return e.contains("permission denied") || e.contains("accessdenied") || e.contains("not permitted");
  }

  private static Optional<String> error(WorkerStatus s, String source) {
    SourceStatus src = s.sources().get(source);
    return src == null ? Optional.empty() : Optional.ofNullable(src.lastError()).filter(e -> !e.isBlank());
  }

  private static String shorten(String error, Rig rig) {
    return error.replace(rig.dataDir() + "/", "");
  }

  /** Lets {@code nobody} reach the rig: the scratch folders are private to root by default. */
  private static void openUpFor(Path work, Rig rig) throws IOException {
    for (Path p : List.of(work, rig.dir())) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    for (Path p : new ArrayList<>(List.of(rig.configFile()))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

}
