package dev.tended.supervisor.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /api/stalls}: the supervisor's stall records ({@code diagnostics/stall-*.txt}, written by
 * {@code StallRecorder} before it kills a stalled worker), newest first, each with its reason and the
 * whole text (thread list and thread dump), cut at {@link #MAX_TEXT}. Only regular files directly in
 * the folder the configuration names are read, never a link; no request names a file. Stateless.
 */
final class StallRecords implements Route {
  static final int MAX_TEXT = 256 * 1024;
  /** At most this many records are sent (the supervisor keeps {@code stallRecordsKept}, 10 by default). */
  static final int MAX_RECORDS = 20;

  /** One record: its file name, when and why, and its text. */
  record Stall(String name, Instant modifiedAt, String detectedAt, String reason, String text, boolean cut) {}

  private final Path dir;

  StallRecords(Path diagnosticsDir) {
    this.dir = Objects.requireNonNull(diagnosticsDir);
  }

  @Override
  public Reply handle(Request request) throws IOException {
    return Reply.json(200, java.util.Map.of("stalls", list()));
  }

  List<Stall> list() throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "stall-*.txt")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.add(p);
        }
      }
    }
    files.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
    List<Stall> out = new ArrayList<>();
    for (Path p : files.subList(0, Math.min(MAX_RECORDS, files.size()))) {
      try {
        out.add(read(p));
      } catch (IOException e) {
        // pruned by the supervisor meanwhile, or unreadable: left out
      }
    }
    return out;
  }

  private static Stall read(Path p) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    byte[] raw;
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      raw = in.readNBytes(MAX_TEXT + 1);
    }
    boolean cut = raw.length > MAX_TEXT;
    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
        .decode(java.nio.ByteBuffer.wrap(raw, 0, Math.min(raw.length, MAX_TEXT))).toString();
    return new Stall(p.getFileName().toString(), attrs.lastModifiedTime().toInstant(), header(text, "detected_at: "),
        header(text, "reason: "), text, cut);
  }

  private static String header(String text, String key) {
    for (String line : text.split("\n", 20)) {
      if (line.startsWith(key)) {
        return line.substring(key.length()).trim();
      }
    }
    return null;
  }
}
