package dev.tended.io;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A symbolic link where tended expects a folder or file of its own inside a data folder. Someone
 * who can write there (a handler, a careless script) could point it at a file elsewhere and make
 * tended write or truncate that file, so tended refuses the operation instead; the message names the
 * link so that an operator can remove it. A {@link FileSystemException}, so every caller that already
 * handles a failed write (retries the recording, fails the attempt, refuses to start) handles this
 * one too, and {@link IoErrors#describe} renders it as {@code <path>: is a symbolic link ...}.
 */
public final class PlantedLinkException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  PlantedLinkException(Path link) {
    super(link.toString(), null, "is a symbolic link; tended follows no link inside its data folder (remove it)");
  }

  /** The link that was found. */
  public Path link() {
    return Path.of(getFile());
  }
}
