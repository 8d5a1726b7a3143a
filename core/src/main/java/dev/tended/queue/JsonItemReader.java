package dev.tended.queue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Streams the items out of one JSON queue file, one item tree at a time, so that memory is bounded
 * by the largest item and one batch, never by the file.
 *
 * <p>Layouts, decided per root value:
 *
 * <ul>
 *   <li>a root array: each element is an item (so several arrays in a row also work);
 *   <li>a file holding exactly one root object with exactly one field, whose value is an array
 *       ({@code {"items": [...]}}, any name): each element of that array is an item;
 *   <li>any other root value: it is an item itself. That covers JSON Lines and whitespace-separated
 *       values.
 * </ul>
 *
 * The wrapper is told from a one-line JSON Lines file by a first, skimming pass that builds no trees
 * and stops early for JSON Lines. A truncated file whose first root is an object opening with an
 * array field counts as a wrapper, so the complete elements before the cut are still taken.
 * Ambiguity accepted: a JSON Lines file whose only line is {@code {"tags": [...]}} reads as a wrapper
 * until a second line arrives.
 *
 * <p>Each item is handed over lazy ({@link QueueItem#lazy}): a copy of its exact bytes in the file
 * and their {@link ItemFingerprint}, taken from a window of the input ({@link ItemBytes}) instead of
 * being written out again; its tree is dropped, and its canonical JSON and SHA-256 are worked out
 * (from the bytes) only if someone asks, and the
 * poller asks only for items its last read did not offer. An item longer than the window, or any
 * item of a file that is not UTF-8 (the parser counts its offsets in chars), is made at once.
 *
 * <p>In a JSON array, reading stops at the first syntax fault: a JSON parser cannot tell where the
 * next value starts after one, so what follows is not guessed at. Items complete before the fault
 * have been handed over. In JSON Lines a newline ends every value, so a bad line is skipped and the
 * parser starts again at the next line (see {@link #read}). Not thread-safe; create one per source.
 */
public final class JsonItemReader {
  /** Opens the file afresh; the reader may read it several times. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;

    /** The file from byte {@code offset} on; a real file seeks, any other stream skips. */
    default InputStream openAt(long offset) throws IOException {
      InputStream in = open();
      try {
        in.skipNBytes(offset);
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
      return in;
    }

    /** Opens {@code file}, seeking rather than reading to an offset. */
    static Opener of(Path file) {
      return new Opener() {
        @Override
        public InputStream open() throws IOException {
          return Files.newInputStream(file);
        }

        @Override
        public InputStream openAt(long offset) throws IOException {
          FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          try {
            ch.position(offset);
          } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
          }
          return Channels.newInputStream(ch);
        }
      };
    }
  }

  /**
   * Where and why a file stopped parsing.
   *
   * @param line 1-based, 0 when unknown
   * @param column 1-based, counted in bytes for UTF-8 input; 0 when unknown
   * @param offset the byte offset in the file of the value (or line) that broke, -1 when unknown:
   *     where a bounded copy of the file is taken from
   */
  public record SyntaxFault(int line, int column, String reason, long offset) {
    public SyntaxFault {
      Objects.requireNonNull(reason, "reason");
    }

    public SyntaxFault(int line, int column, String reason) {
      this(line, column, reason, -1);
    }
  }

  /**
   * One complete line of a JSON Lines file that does not parse: one bad item, skipped.
   *
   * @param line 1-based
   * @param column where on the line the parser gave up, 1-based (bytes)
   * @param from the byte offset of the line's first byte
   * @param to the byte offset just past the bad part (the line without its newline, or the part of it
   *     before a whole value that was still taken from its end)
   */
  public record BadLine(int line, int column, String reason, long from, long to) {
    public BadLine {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * What one read found besides its items.
   *
   * @param fault the whole file stops here: a JSON array (or wrapper) that does not parse, or a file
   *     that cannot be read line by line; nothing after it was taken
   * @param unfinishedLastLine a JSON Lines file whose last line has no newline yet and does not
   *     parse: a producer may be writing it, so it is not a fault; it is read again once the file
   *     changes
   * @param badLines the first {@link #BAD_LINES_LISTED} complete bad lines, in file order
   * @param badLineCount how many complete bad lines the file has (all were skipped)
   */
  public record Reading(
      Optional<SyntaxFault> fault, Optional<SyntaxFault> unfinishedLastLine, List<BadLine> badLines,
      int badLineCount) {
    public Reading {
      Objects.requireNonNull(fault, "fault");
      Objects.requireNonNull(unfinishedLastLine, "unfinishedLastLine");
      badLines = List.copyOf(badLines);
    }

    /** Where reading stopped, if it did before the end: the fault, else the unfinished last line. */
    public Optional<SyntaxFault> stop() {
      return fault.or(() -> unfinishedLastLine);
    }
  }

  /** How many bad lines a {@link Reading} lists (it counts them all). */
  public static final int BAD_LINES_LISTED = 100;

  /**
   * More bad lines than this and the file is not JSON Lines with a few torn lines but something else
   * (a binary file, another format): a fault of the whole file at the next one, so that a poll never
   * spends its time re-opening the file for every line.
   */
  static final int MAX_BAD_LINES = 1000;

  /** A bad line up to this long is searched for a whole value at its end (see {@link #salvage}). */
  private static final int SALVAGE_MAX_LINE = 1024 * 1024;

  /** At most this many candidate starts of that value are tried, from the line's end. */
  private static final int SALVAGE_MAX_TRIES = 256;

  /** How the file is laid out, decided by its first value. */
  private enum Layout {
    UNDECIDED,
    /** an array, a wrapper, pretty-printed values, a file that is not UTF-8: a fault stops it all */
    WHOLE,
    /** one value per line: a complete bad line is one bad item */
    LINES
  }

  private final String idField;
  private final long maxItemBytes;
  private final JsonFactory factory;
  private final int windowBytes;

  /** Items larger than {@code maxItemBytes} (JSON text) are refused as a fault at their start. */
  public JsonItemReader(String idField, long maxItemBytes) {
    this(idField, maxItemBytes, ItemBytes.WINDOW);
  }

  /** For tests: items are fingerprinted from a window of {@code windowBytes} (see {@link ItemBytes}). */
  JsonItemReader(String idField, long maxItemBytes, int windowBytes) {
    this.windowBytes = windowBytes;
    this.idField = Objects.requireNonNull(idField, "idField");
    if (maxItemBytes < 1) {
      throw new IllegalArgumentException("maxItemBytes must be positive, was " + maxItemBytes);
    }
    this.maxItemBytes = maxItemBytes;
    // One long string is refused by the parser itself while it accumulates it, before the guard's
    // next block: a string of N bytes takes up to 2N bytes of heap as chars.
    this.factory = CanonicalJson.MAPPER.getFactory().copy().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxStringLength((int) Math.min(maxItemBytes, Integer.MAX_VALUE - 1)).build());
  }

  /**
   * Hands every complete item of the file to {@code out} (the caller flushes it) and says where it
   * stopped or what it skipped. I/O errors and sink failures are thrown.
   *
   * <p>A JSON array (or wrapper) is whole: reading stops at its first fault. A JSON Lines file (its
   * first value is not an array and fits on its line) is read line by line past faults: a value that
   * does not parse and whose line is complete (ends with a newline) is one {@link BadLine}, and
   * reading goes on at the next line; the same on the last line, without its newline yet, is
   * {@link Reading#unfinishedLastLine}. A bad line that ends with a whole value (a producer killed
   * mid-line, then another appending its whole line right after) still gives that value.
   */
  public Reading read(Opener opener, Batcher out) throws IOException {
    boolean wrapper = isWrapper(opener);
    Layout layout = wrapper ? Layout.WHOLE : Layout.UNDECIDED;
    List<BadLine> bad = new ArrayList<>();
    int badCount = 0;
    long from = 0;
    int baseLine = 0;
    while (true) {
      Segment seg = readSegment(opener, from, baseLine, wrapper, layout, out);
      layout = seg.layout;
      if (seg.stop == null) {
        return new Reading(Optional.empty(), Optional.empty(), bad, badCount);
      }
      if (layout != Layout.LINES) {
        return new Reading(Optional.of(seg.stop), Optional.empty(), bad, badCount);
      }
      SyntaxFault at = seg.stop;
      LineEnd end = lineEnd(opener, at.offset());
      if (end.newlineAt < 0 && !end.tooLong) {
        return new Reading(Optional.empty(), Optional.of(at), bad, badCount);
      }
      if (end.tooLong) {
        return new Reading(Optional.of(new SyntaxFault(at.line(), at.column(),
            "line longer than maxItemBytes (" + maxItemBytes + " bytes): " + at.reason(), at.offset())),
            Optional.empty(), bad, badCount);
      }
      if (badCount == MAX_BAD_LINES) {
        return new Reading(Optional.of(new SyntaxFault(at.line(), at.column(),
            "more than " + MAX_BAD_LINES + " bad lines, not read as JSON Lines: " + at.reason(), at.offset())),
            Optional.empty(), bad, badCount);
      }
      int kept = salvage(end.bytes, out);
      badCount++;
      if (bad.size() < BAD_LINES_LISTED) {
        long badTo = kept > 0 ? at.offset() + kept : end.newlineAt;
        bad.add(new BadLine(at.line(), at.column(), at.reason(), at.offset(), badTo));
      }
      from = end.newlineAt + 1;
      baseLine = at.line();
    }
  }

  /**
   * What one parser run found: where it stopped ({@code stop} null at the end of the file; for
   * {@link Layout#LINES} its offset and line are the start of the bad value's line) and the layout.
   */
  private record Segment(SyntaxFault stop, Layout layout) {}

  /** Parses from byte {@code from} (the start of line {@code baseLine + 1}) to the end or a fault. */
  private Segment readSegment(Opener opener, long from, int baseLine, boolean wrapper, Layout layout, Batcher out)
      throws IOException {
    try (ItemBytes bytes = new ItemBytes(opener.openAt(from), windowBytes);
        ItemSizeGuard in = new ItemSizeGuard(bytes, maxItemBytes);
        JsonParser parser = factory.createParser(in)) {
      Items items = new Items(parser, in, bytes);
      JsonLocation start = null;
      try {
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          start = parser.currentTokenLocation();
          if (start.getByteOffset() < 0) {
            layout = Layout.WHOLE; // not UTF-8: no byte offsets to go on by
          }
          if (token == JsonToken.START_ARRAY) {
            if (layout == Layout.UNDECIDED) {
              layout = Layout.WHOLE;
            }
            readElements(parser, out, items);
          } else if (wrapper && token == JsonToken.START_OBJECT) {
            if (parser.nextToken() != JsonToken.FIELD_NAME
                || parser.nextToken() != JsonToken.START_ARRAY) {
              return new Segment(changedUnderfoot(parser), layout);
            }
            readElements(parser, out, items);
            parser.nextToken(); // END_OBJECT, or a fault
          } else {
            QueueItem item = items.next();
            if (layout == Layout.UNDECIDED) {
              layout = parser.currentLocation().getLineNr() == start.getLineNr() ? Layout.LINES : Layout.WHOLE;
            }
            out.add(item);
          }
          start = null;
        }
        return new Segment(null, layout);
      } catch (JsonProcessingException e) {
        SyntaxFault f = fault(e, parser);
        if (layout == Layout.UNDECIDED) {
          // the first value is bad: a file cut short inside it is one being written (or a
          // pretty-printed value), anything else a bad first line
          layout = e instanceof JsonEOFException ? Layout.WHOLE : Layout.LINES;
        }
        JsonLocation at = start != null ? start : e.getLocation();
        if (layout == Layout.LINES && at != null && at.getByteOffset() >= 0 && at.getColumnNr() > 0) {
          long lineStart = from + at.getByteOffset() - (at.getColumnNr() - 1);
          return new Segment(new SyntaxFault(baseLine + at.getLineNr(), f.column(), f.reason(), lineStart), layout);
        }
        if (layout == Layout.LINES) {
          layout = Layout.WHOLE;
        }
        JsonLocation where = e.getLocation() != null && e.getLocation().getByteOffset() >= 0 ? e.getLocation() : at;
        long offset = where != null && where.getByteOffset() >= 0 ? from + where.getByteOffset() : -1;
        int line = f.line() > 0 ? baseLine + f.line() : 0;
        return new Segment(new SyntaxFault(line, f.column(), f.reason(), offset), layout);
      }
    }
  }

  /**
   * The line starting at {@code lineStart}: where its newline is (-1: none before the end of the
   * file), and its bytes when it is short enough to search.
   */
  private record LineEnd(long newlineAt, boolean tooLong, byte[] bytes) {}

  private LineEnd lineEnd(Opener opener, long lineStart) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long scanned = 0;
    try (InputStream in = opener.openAt(lineStart)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            long length = scanned + i;
            keep(kept, buf, i, length);
            return new LineEnd(lineStart + length, false, length <= SALVAGE_MAX_LINE ? kept.toByteArray() : null);
          }
        }
        keep(kept, buf, n, scanned + n);
        scanned += n;
        if (scanned > maxItemBytes) {
          return new LineEnd(-1, true, null);
        }
      }
    }
    return new LineEnd(-1, false, null);
  }

  /** Keeps the first {@code n} bytes of {@code buf} while the line is short enough to search. */
  private static void keep(ByteArrayOutputStream kept, byte[] buf, int n, long lineLengthSoFar) {
    if (lineLengthSoFar <= SALVAGE_MAX_LINE) {
      kept.write(buf, 0, n);
    }
  }

  /**
   * A bad line that ends with a whole value: a producer killed mid-line, and the next producer's
   * whole line appended right after the torn part. The shortest suffix of the line starting with
   * {@code {} or {@code [} that is exactly one value is taken as an item (an object or array inside a
   * whole value is never one, its parent's closing bracket follows it). Returns where on the line
   * that value starts, 0 when there is none.
   */
  private int salvage(byte[] line, Batcher out) throws IOException {
    if (line == null || line.length > SALVAGE_MAX_LINE) {
      return 0;
    }
    int tries = 0;
    for (int p = line.length - 1; p > 0 && tries < SALVAGE_MAX_TRIES; p--) {
      if (line[p] != '{' && line[p] != '[') {
        continue;
      }
      tries++;
      try (JsonParser parser = factory.createParser(line, p, line.length - p)) {
        JsonNode tree = CanonicalJson.MAPPER.readTree(parser);
        if (tree != null && parser.nextToken() == null) {
          out.add(CanonicalJson.item(tree, idField));
          return p;
        }
      } catch (JsonProcessingException notAValue) {
        // try an earlier start
      }
    }
    return 0;
  }

  private static void readElements(JsonParser parser, Batcher out, Items items) throws IOException {
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      out.add(items.next());
    }
  }

  /** Builds one item at a time from where the parser stands; lives for one read. */
  private final class Items {
    private final JsonParser parser;
    private final ItemSizeGuard guard;
    private final ItemBytes bytes;
    private final long[] fingerprint = new long[2];

    Items(JsonParser parser, ItemSizeGuard guard, ItemBytes bytes) {
      this.parser = parser;
      this.guard = guard;
      this.bytes = bytes;
    }

    /** The item whose first token the parser has just returned. */
    QueueItem next() throws IOException {
      JsonLocation start = parser.currentTokenLocation();
      long from = start.getByteOffset(); // -1 unless the input is UTF-8 (other encodings go through a Reader)
      if (from >= 0) {
        bytes.keepFrom(from);
      }
      JsonNode node;
      guard.arm();
      try {
        node = CanonicalJson.MAPPER.readTree(parser);
      } catch (ItemSizeGuard.ItemTooLargeException e) {
        throw new ItemTooLarge(start, e.getMessage());
      } finally {
        guard.disarm();
      }
      long to = parser.currentLocation().getByteOffset();
      if (from >= 0 && to - from > maxItemBytes) {
        throw new ItemTooLarge(start, "item larger than maxItemBytes (" + maxItemBytes + " bytes)");
      }
      JsonNode tree = node == null ? NullNode.getInstance() : node;
      if (from >= 0 && bytes.holds(from, to) && startsAValue(bytes.at(from))) {
        // the item's exact text, as it stands in the file: equal text, equal item
        bytes.fingerprint(from, to, fingerprint);
        return QueueItem.lazy(bytes.copy(from, to), idField, fingerprint[0], fingerprint[1]);
      }
      return CanonicalJson.item(tree, idField); // too long for the window, or not UTF-8
    }
  }

  /**
   * A byte a JSON value can start with: a check that the parser's offsets and the window agree
   * (they always should); if not, the item is made the slow way.
   */
  private static boolean startsAValue(byte b) {
    return b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9') || b == 't' || b == 'f'
        || b == 'n';
  }

  /** An item over the bound: reported like a syntax fault, at the item's first character. */
  private static final class ItemTooLarge extends JsonProcessingException {
    private final JsonLocation start;

    ItemTooLarge(JsonLocation start, String reason) {
      super(reason, start);
      this.start = start;
    }
  }

  /** True when the file is (or, cut short, starts as) one object holding one array field. */
  private static boolean isWrapper(JsonItemReader.Opener opener) throws IOException {
    try (InputStream in = opener.open();
        JsonParser parser = CanonicalJson.MAPPER.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT
          || parser.nextToken() != JsonToken.FIELD_NAME
          || parser.nextToken() != JsonToken.START_ARRAY) {
        return false;
      }
      try {
        parser.skipChildren();
        return parser.nextToken() == JsonToken.END_OBJECT && parser.nextToken() == null;
      } catch (JsonProcessingException cutShortOrTrailingGarbage) {
        return true;
      }
    } catch (JsonProcessingException brokenBeforeTheArray) {
      return false;
    }
  }

  /** The skimming pass saw a wrapper and this pass does not: the file changed between them. */
  private static SyntaxFault changedUnderfoot(JsonParser parser) {
    JsonLocation at = parser.currentLocation();
    return new SyntaxFault(at.getLineNr(), at.getColumnNr(), "file changed while being read");
  }

  private static SyntaxFault fault(JsonProcessingException e, JsonParser parser) {
    if (e instanceof ItemTooLarge big) {
      return new SyntaxFault(Math.max(0, big.start.getLineNr()), Math.max(0, big.start.getColumnNr()),
          big.getOriginalMessage());
    }
    if (e instanceof StreamConstraintsException) {
      // a string longer than maxItemBytes or nesting deeper than the parser allows: Jackson gives no
      // location, so it is where the parser stopped
      JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
      String what = String.valueOf(e.getOriginalMessage()).contains("nesting") ? "too deeply nested: "
          : "item larger than maxItemBytes: ";
      return new SyntaxFault(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()), what + reason(e));
    }
    JsonLocation at = e.getLocation();
    int line = at == null ? 0 : Math.max(0, at.getLineNr());
    int column = at == null ? 0 : Math.max(0, at.getColumnNr());
    return new SyntaxFault(line, column, reason(e));
  }

  /** Jackson's message without its location suffix, starting lower-case. */
  static String reason(JsonProcessingException e) {
    if (e instanceof JsonEOFException) {
      return "unexpected end of input";
    }
    String message = String.valueOf(e.getOriginalMessage());
    int cut = message.indexOf('\n');
    if (cut >= 0) {
      message = message.substring(0, cut);
    }
    cut = message.indexOf(" (start marker at ");
    if (cut >= 0) {
      message = message.substring(0, cut);
    }
    message = message.strip();
    if (message.isEmpty()) {
      return "malformed JSON";
    }
    return Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }
}
