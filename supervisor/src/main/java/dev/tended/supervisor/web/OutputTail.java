package dev.tended.supervisor.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The last {@link #BYTES} of a handler's output file, as text (invalid UTF-8 replaced, a character cut
 * at the start dropped). Only a regular file below {@code root} is read, never through a link. Stateless.
 */
final class OutputTail {
  static final int BYTES = 4096;

  private OutputTail() {}

  /** The tail of {@code file}, or empty when it does not exist, is not a regular file or not below {@code root}. */
  static Optional<String> of(Path root, Path file) {
    Path f = file.normalize();
    if (!f.startsWith(root.normalize()) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      long from = Math.max(0, size - BYTES);
      ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // read to the end
      }
      buf.flip();
      if (from > 0) {
        while (buf.hasRemaining() && (buf.get(buf.position()) & 0xC0) == 0x80) {
          buf.get(); // a continuation byte: the start of a character was cut off
        }
      }
      return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(buf).toString());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
