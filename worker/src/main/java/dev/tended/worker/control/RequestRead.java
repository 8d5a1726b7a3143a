package dev.tended.worker.control;

import dev.tended.control.ControlRequest;
import java.nio.file.Path;

/** What reading one file of {@code control/requests/} gave: a request to apply, or why the file is not one. */
sealed interface RequestRead {
  Path file();

  /** A well-formed request, and the name of the user who owns its file (the one the kernel vouches for). */
  record Valid(Path file, ControlRequest request, String fileOwner) implements RequestRead {}

  /** Not a request: moved to {@code rejected/}, with the reason in the log. */
  record Invalid(Path file, String reason) implements RequestRead {}
}
