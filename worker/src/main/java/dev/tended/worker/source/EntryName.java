package dev.tended.worker.source;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The name of one entry of a directory queue as the file system holds it. Exists because Linux names
 * are bytes while Java's {@link Path#toString()} decodes them with the JVM's {@code sun.jnu.encoding}
 * (ASCII under the POSIX locale, UTF-8 under {@code C.UTF-8}), replacing what it cannot decode: two
 * different names can come out as the same string, and that string names no file. Here the bytes are
 * taken from the path itself (its {@link Path#toUri() URI} escapes them one by one) and decoded as
 * strict UTF-8, whatever the JVM's locale.
 *
 * @param text the name, when its bytes are valid UTF-8: then it is exact, the item's id, and the
 *     folder's path joined with it opens the entry from any process; empty otherwise
 * @param shown the name for messages: {@code text} when present, else its bytes with every byte
 *     outside printable ASCII, and the backslash, written {@code \xNN} (so two names never look alike)
 */
record EntryName(Optional<String> text, String shown) {

  /** The name of {@code entry}, a path as a directory listing gives it. */
  static EntryName of(Path entry) {
    String decoded = entry.getFileName().toString();
    if (decoded.chars().allMatch(c -> c < 0x80)) {
      return new EntryName(Optional.of(decoded), decoded); // ASCII: exact under every ASCII-based encoding
    }
    byte[] bytes = rawBytes(entry);
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      return new EntryName(Optional.of(text), text);
    } catch (CharacterCodingException e) {
      return new EntryName(Optional.empty(), escape(bytes));
    }
  }

  /** The bytes of the last element of {@code entry}, from its URI, which percent-escapes each byte. */
  private static byte[] rawBytes(Path entry) {
    String raw = entry.toAbsolutePath().toUri().getRawPath();
    if (raw.endsWith("/")) {
      raw = raw.substring(0, raw.length() - 1); // the URI of a folder ends with a slash
    }
    raw = raw.substring(raw.lastIndexOf('/') + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        out.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static String escape(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      int u = b & 0xff;
      if (u >= 0x20 && u < 0x7f && u != '\\') {
        sb.append((char) u);
      } else {
        sb.append("\\x").append(HexFormat.of().withUpperCase().toHexDigits((byte) u));
      }
    }
    return sb.toString();
  }
}
