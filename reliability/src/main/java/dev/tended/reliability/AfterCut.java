package dev.tended.reliability;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.QueueFault;
import dev.tended.status.SourceStatus;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.status.ItemResult;
import dev.tended.worker.results.ResultWriter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What must hold of the worker's own files right after a power cut, before anything repairs them:
 * {@code status.json} is absent or parses, and any quarantine copy it names exists; every item the
 * ledger (durable on its own) calls succeeded or dead has a complete result file that agrees; every
 * quarantine copy is byte for byte a version the producer really wrote. Read while the worker is down.
 *
 * @param problems what is wrong, each naming the file
 * @param leftoverTemps hidden temporary files a cut left behind (harmless, counted)
 */
record AfterCut(List<String> problems, int leftoverTemps) {

  static AfterCut check(Path dataDir, List<String> sources, String brokenSource, Set<String> brokenVersions)
      throws IOException {
    List<String> problems = new ArrayList<>();
    Path status = dataDir.resolve("status.json");
    if (Files.exists(status)) {
      try {
        WorkerStatus s = StatusFiles.read(status);
        for (SourceStatus src : s.sources().values()) {
          QueueFault f = src.fault();
          if (f != null && f.quarantinedAs() != null && !isVersion(dataDir.resolve(f.quarantinedAs()), brokenVersions)) {
            problems.add("status.json names quarantine copy " + f.quarantinedAs() + ", which is missing or torn");
          }
        }
      } catch (IOException | RuntimeException e) {
        problems.add("status.json does not parse: " + e.getMessage());
      }
    }
    ResultWriter results = new ResultWriter(dataDir.resolve("results"));
    try (LedgerView ledger = SqliteLedgerStore.at(dataDir.resolve("ledger.db")).openView()) {
      for (String source : sources) {
        for (ItemState state : List.of(ItemState.SUCCEEDED, ItemState.DEAD)) {
          for (ItemRecord r : ledger.inState(source, state)) {
            String wrong = disagreement(results.fileFor(source, r.id()), r);
            if (wrong != null) {
              problems.add("ledger says " + source + "/" + r.id() + " " + state.wireName() + ", but its result " + wrong);
            }
          }
        }
      }
    }
    int temps = 0;
    Path quarantine = dataDir.resolve("quarantine").resolve(brokenSource);
    if (Files.isDirectory(quarantine)) {
      try (DirectoryStream<Path> copies = Files.newDirectoryStream(quarantine)) {
        for (Path copy : copies) {
          if (copy.getFileName().toString().startsWith(".")) {
            temps++;
          } else if (!isVersion(copy, brokenVersions)) {
            problems.add("quarantine copy " + dataDir.relativize(copy) + " (" + Files.size(copy)
                + " bytes) is no version the producer wrote");
          }
        }
      }
    }
    return new AfterCut(List.copyOf(problems), temps);
  }

  private static String disagreement(Path file, ItemRecord r) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return "file is missing";
    } catch (IOException e) {
      return "file cannot be read: " + e;
    }
    try {
      ItemResult res = StatusFiles.mapper().readValue(bytes, ItemResult.class);
      if (!r.id().equals(res.id()) || !r.source().equals(res.source()) || !r.contentHash().equals(res.contentHash())
          || !r.state().wireName().equals(res.status())) {
        return "file says " + res.source() + "/" + res.id() + " " + res.status();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "file is torn (" + bytes.length + " bytes do not parse)";
    }
  }

  private static boolean isVersion(Path copy, Set<String> versions) {
    try {
      return versions.contains(Producer.SometimesBroken.sha256(Files.readAllBytes(copy)));
    } catch (IOException e) {
      return false;
    }
  }
}
