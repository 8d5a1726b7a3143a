package dev.tended.notify;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The {@code ERRNO=} both daemons send to systemd when they cannot start, so {@code systemctl status}
 * tells "permission denied" from "no such file" from anything else without reading the log.
 */
public final class StartFailure {
  private static final int EACCES = 13;
  private static final int ENOENT = 2;
  private static final int EIO = 5;

  private StartFailure() {}

  /** EACCES or ENOENT where the cause (or one of its causes) says so, else EIO. */
  public static int errnoFor(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof AccessDeniedException) {
        return EACCES;
      }
      if (t instanceof NoSuchFileException) {
        return ENOENT;
      }
    }
    return EIO;
  }
}
