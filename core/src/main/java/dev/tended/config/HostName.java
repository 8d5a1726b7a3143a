package dev.tended.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This host's name, the default {@code ledger.node}: the kernel's (what {@code hostname} prints),
 * without a DNS lookup that could hang a starting worker; the JDK's answer only where the kernel's
 * file cannot be read.
 */
public final class HostName {
  private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

  private HostName() {}

  /** The host name, or {@code localhost} when nothing says otherwise. */
  public static String current() {
    try {
      String name = Files.readString(KERNEL_HOSTNAME).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | SecurityException e) {
      // fall through
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
