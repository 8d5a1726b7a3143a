package dev.tended.supervisor.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The end of one attempt's output as {@code tended show} and {@code GET /api/item} give it: the last {@link #TAIL_BYTES} of
 * {@code attempt-N.stdout} or {@code .stderr} in the version's work folder (the names the worker's
 * {@code WorkFolder} gives them), decoded as UTF-8 with malformed bytes replaced. A link is not
 * followed; a file that is absent or cannot be read has no tail.
 */
public final class AttemptOutput {
  /** As much as the result file keeps of each stream. */
  public static final int TAIL_BYTES = 4096;

  private AttemptOutput() {}

  public static Path stdout(Path workFolder, int attempt) {
    return workFolder.resolve("attempt-" + attempt + ".stdout");
  }

  public static Path stderr(Path workFolder, int attempt) {
    return workFolder.resolve("attempt-" + attempt + ".stderr");
  }

  /** The file's last {@link #TAIL_BYTES} as text, or null when there is no regular file to read. */
  public static String tail(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      long from = Math.max(0, size - TAIL_BYTES);
      ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // reads until the end as it was when opened
      }
      byte[] bytes = buf.array();
      int start = 0;
      // a cut in the middle of a character: start at the next one rather than with a replacement
      while (from > 0 && start < Math.min(3, buf.position()) && (bytes[start] & 0xC0) == 0x80) {
        start++;
      }
      return new String(bytes, start, buf.position() - start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
