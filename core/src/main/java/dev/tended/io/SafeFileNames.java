package dev.tended.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns an item id, which producers choose freely, into one file-name component that cannot leave
 * its folder and that no other id shares (results and work folders are named by it, so two ids with
 * one name would overwrite each other's result and read each other's input).
 *
 * <p>The three forms, told apart by construction:
 *
 * <ul>
 *   <li><b>plain</b>: an id of 1 to 100 characters out of {@code [A-Za-z0-9._-]}, starting with a
 *       letter or digit and holding no {@code ..}, is its own name ({@code 42}, {@code idea-7.v2}).
 *       A plain name never contains {@code ~}.
 *   <li><b>escaped</b>: any other id whose escaped form fits in {@value #MAX_ESCAPED} characters is
 *       {@code ~} followed by the id with every character outside {@code [A-Za-z0-9._-]} written as
 *       {@code ~XX} (a character below U+0100, two upper-case hex digits) or {@code ~uXXXX} (any other
 *       UTF-16 unit): {@code a/b} is {@code ~a~2Fb}. Each character has one code and no code is the
 *       start of another, so the id can be read back: two ids never share an escaped name.
 *   <li><b>hashed</b>: an id too long to escape is {@code ~~~}, up to 60 of its safe characters, {@code
 *       ~}, and the full SHA-256 of its UTF-16 units (big-endian) in hex. An escaped name never starts with {@code
 *       ~~~} (after its first {@code ~} comes a safe character or a code, and a code's {@code ~} is
 *       followed by a hex digit or {@code u}), so a hashed name is never an escaped one; two hashed
 *       names are equal only if SHA-256 collides.
 * </ul>
 *
 * Every name is ASCII and at most 128 or {@value #MAX_ESCAPED} characters, well within NAME_MAX
 * (255 bytes) with room for a suffix such as {@code .json}. Names an older worker made ({@link
 * #legacyForId}) are only read, never made.
 */
public final class SafeFileNames {
  /** The longest escaped name; longer ones are hashed. */
  public static final int MAX_ESCAPED = 200;
  private static final int PLAIN_MAX = 100;
  private static final int HASHED_PREFIX = 60;
  private static final String HASHED = "~~~";
  private static final Pattern LEGACY_PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern LEGACY_UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");
  private static final Pattern LEGACY_ENCODED = Pattern.compile(".*-[0-9a-f]{16}");

  private SafeFileNames() {}

  /** The single path component of {@code id}: never empty, never {@code .} or {@code ..}, never another id's. */
  public static String forId(String id) {
    if (isPlain(id)) {
      return id;
    }
    StringBuilder b = new StringBuilder(Math.min(id.length() * 3 + 1, MAX_ESCAPED + 8)).append('~');
    for (int i = 0; i < id.length() && b.length() <= MAX_ESCAPED; i++) {
      char c = id.charAt(i);
      if (isSafe(c)) {
        b.append(c);
      } else if (c < 0x100) {
        b.append('~').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
      } else {
        b.append("~u").append(HEX.charAt(c >> 12)).append(HEX.charAt((c >> 8) & 0xF))
            .append(HEX.charAt((c >> 4) & 0xF)).append(HEX.charAt(c & 0xF));
      }
    }
    if (b.length() <= MAX_ESCAPED) {
      return b.toString();
    }
    StringBuilder h = new StringBuilder(HASHED.length() + HASHED_PREFIX + 65).append(HASHED);
    for (int i = 0; i < id.length() && h.length() < HASHED.length() + HASHED_PREFIX; i++) {
      if (isSafe(id.charAt(i))) {
        h.append(id.charAt(i));
      }
    }
    return h.append('~').append(sha256Hex(utf16Units(id))).toString();
  }

  /**
   * The name an older worker (before names were made injective) gave {@code id}, for reading what it
   * left behind; empty when that name is the current one too.
   */
  public static Optional<String> legacyForId(String id) {
    if (LEGACY_PLAIN.matcher(id).matches() && !id.contains("..")) {
      return Optional.empty();
    }
    String cleaned = LEGACY_UNSAFE.matcher(id).replaceAll("_").replace("..", "_");
    while (cleaned.startsWith(".") || cleaned.startsWith("_")) {
      cleaned = cleaned.substring(1);
    }
    if (cleaned.length() > 60) {
      cleaned = cleaned.substring(0, 60);
    }
    String hash = sha256Hex(id).substring(0, 16);
    return Optional.of(cleaned.isEmpty() ? "id-" + hash : cleaned + "-" + hash);
  }

  /**
   * Whether {@code name} (a current name) may also be a name an older worker gave some other id, so
   * that a file found under it may belong to that id.
   */
  public static boolean mayBeLegacyOfAnother(String name) {
    return LEGACY_ENCODED.matcher(name).matches();
  }

  private static boolean isPlain(String id) {
    if (id.isEmpty() || id.length() > PLAIN_MAX || !Character.isLetterOrDigit(id.charAt(0)) || id.contains("..")) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!isSafe(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Every UTF-16 unit of {@code id}, lone surrogates too (an encoder would replace those). */
  private static byte[] utf16Units(String id) {
    byte[] units = new byte[id.length() * 2];
    for (int i = 0; i < id.length(); i++) {
      units[2 * i] = (byte) (id.charAt(i) >> 8);
      units[2 * i + 1] = (byte) id.charAt(i);
    }
    return units;
  }

  private static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
        || c == '-';
  }

  private static final String HEX = "0123456789ABCDEF";

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
