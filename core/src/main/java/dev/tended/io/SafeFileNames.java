package dev.tended.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Turns an item id, which producers choose freely, into one file-name component that cannot leave
 * its folder: plain ids ({@code 42}, {@code idea-7.v2}) stay readable; anything else ({@code ../},
 * {@code /}, NUL, control characters, over-long, hidden) becomes a cleaned prefix plus a hash of the
 * whole id, so two different ids never share a name.
 */
public final class SafeFileNames {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");

  private SafeFileNames() {}

  /** A single path component for {@code id}; never empty, never {@code .} or {@code ..}, at most 120 chars. */
  public static String forId(String id) {
    if (PLAIN.matcher(id).matches() && !id.contains("..")) {
      return id;
    }
    String cleaned = UNSAFE.matcher(id).replaceAll("_").replace("..", "_");
    while (cleaned.startsWith(".") || cleaned.startsWith("_")) {
      cleaned = cleaned.substring(1);
    }
    if (cleaned.length() > 60) {
      cleaned = cleaned.substring(0, 60);
    }
    String hash = sha256Hex(id).substring(0, 16);
    return cleaned.isEmpty() ? "id-" + hash : cleaned + "-" + hash;
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
