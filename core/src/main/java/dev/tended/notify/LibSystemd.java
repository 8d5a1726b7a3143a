package dev.tended.notify;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * JNA direct mapping of the one libsystemd function the daemons need: a call costs a native call, not
 * a process per message ({@code systemd-notify}). Loading is attempted once, on first use; where
 * {@code libsystemd.so.0} is absent {@link #load()} says why instead of throwing.
 */
final class LibSystemd {
  static final String LIBRARY = "libsystemd.so.0";

  private LibSystemd() {}

  /** sd_notify(3): returns &gt; 0 when sent, 0 when NOTIFY_SOCKET is unset, a negative errno on failure. */
  static native int sd_notify(int unsetEnvironment, String state);

  /** Registers the native method; null when it worked, else the reason it did not. */
  static String load() {
    return Loader.PROBLEM;
  }

  /** Holder: the class initialiser runs exactly once, at the first {@link #load()}. */
  private static final class Loader {
    static final String PROBLEM = register();

    private static String register() {
      try {
        Native.register(LibSystemd.class, NativeLibrary.getInstance(LIBRARY));
        return null;
      } catch (LinkageError | RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
      }
    }
  }
}
