package dev.tended.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The id of the running boot ({@code /proc/sys/kernel/random/boot_id}): process start times are
 * counted from boot, so a recorded process is only the same process in the same boot.
 */
public final class BootId {
  private static final Path FILE = Path.of("/proc/sys/kernel/random/boot_id");
  private static volatile String current;

  private BootId() {}

  /** This boot's id, read once. */
  public static String current() {
    String id = current;
    if (id == null) {
      try {
        id = Files.readString(FILE, StandardCharsets.US_ASCII).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the boot id from " + FILE, e);
      }
      current = id;
    }
    return id;
  }
}
