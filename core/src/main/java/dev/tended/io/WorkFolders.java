package dev.tended.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where one item version keeps its files under the work folder: {@code work/<source>/<id>/<hash>/},
 * {@code <hash>} being the first 16 hex digits of the version's content hash. Each version has its
 * own folder, so two versions of one id never read each other's {@code input.json} or overwrite each
 * other's attempt output. The worker writes there; {@code recover-ledger} reads the payloads back,
 * hence one definition in core.
 */
public final class WorkFolders {
  /** The file holding the version's JSON, the handler's stdin. */
  public static final String INPUT = "input.json";
  private static final int HASH_DIGITS = 16;

  private WorkFolders() {}

  /** The folder of the version {@code contentHash} of {@code source}/{@code id} under {@code workDir}. */
  public static Path of(Path workDir, String source, String id, String contentHash) {
    return perId(workDir, source, id)
        .resolve(SafeFileNames.forId(contentHash.substring(0, Math.min(HASH_DIGITS, contentHash.length()))));
  }

  /**
   * Where the version's files may be, newest layout first: the per-version and the per-id folder
   * under the id's current name, then the per-version folder under the name an older worker gave the
   * id ({@link SafeFileNames#legacyForId}). Read only, to find a payload. A per-version folder is
   * named by the version's content hash, so one found under an old name is this version's; the old
   * per-id folder is not looked at, as another id may own that name now.
   */
  public static List<Path> candidates(Path workDir, String source, String id, String contentHash) {
    Optional<String> legacy = SafeFileNames.legacyForId(id);
    String version = SafeFileNames.forId(contentHash.substring(0, Math.min(HASH_DIGITS, contentHash.length())));
    Path sourceDir = workDir.resolve(SafeFileNames.forId(source));
    return legacy.map(old -> List.of(of(workDir, source, id, contentHash), perId(workDir, source, id),
            sourceDir.resolve(old).resolve(version)))
        .orElseGet(() -> List.of(of(workDir, source, id, contentHash), perId(workDir, source, id)));
  }

  /**
   * The folder every version of one id shared before versions had their own: read only to find the
   * payload of an item finished by an older worker.
   */
  public static Path perId(Path workDir, String source, String id) {
    return workDir.resolve(SafeFileNames.forId(source)).resolve(SafeFileNames.forId(id));
  }
}
