package dev.tended.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A producer of the pipeline tended serves, writing new items into one queue file on a thread of
 * its own until stopped: {@link AtomicReplace} replaces the whole file (write temp, rename), {@link
 * CarelessAppend} appends JSON Lines with plain writes, each line in two pieces, so the worker
 * sometimes reads half a line. Ids are {@code <prefix>-<n>}, n from 0.
 */
abstract class Producer implements AutoCloseable {
  private final Path file;
  private final String prefix;
  private final Duration every;
  private final AtomicInteger produced = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();
  private Thread thread;
  private volatile IOException failure;

  Producer(Path file, String prefix, Duration every) {
    this.file = Objects.requireNonNull(file);
    this.prefix = Objects.requireNonNull(prefix);
    this.every = Objects.requireNonNull(every);
  }

  /** The JSON of item {@code n}. */
  final String item(int n) {
    return "{\"id\": \"" + prefix + "-" + n + "\", \"text\": \"item " + n + " of " + prefix + "\"}";
  }

  final String id(int n) {
    return prefix + "-" + n;
  }

  /** Writes items {@code from} (inclusive) to {@code to} (exclusive) into the queue file. */
  abstract void write(int from, int to) throws IOException;

  /** The queue file. */
  final Path file() {
    return file;
  }

  void start() {
    running.set(true);
    thread = new Thread(this::loop, "produce-" + prefix);
    thread.start();
  }

  private void loop() {
    try {
      while (running.get()) {
        int from = produced.get();
        int batch = 1 + ThreadLocalRandom.current().nextInt(3);
        write(from, from + batch);
        produced.addAndGet(batch);
        Thread.sleep(every.toMillis());
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ids written so far (all of them complete in the file once {@link #close()} returned). */
  List<String> ids() {
    return java.util.stream.IntStream.range(0, produced.get()).mapToObj(this::id).toList();
  }

  @Override
  public void close() throws IOException {
    running.set(false);
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure != null) {
      throw new IOException("producer " + prefix + " failed", failure);
    }
  }

  /** Replaces {@code file} atomically with every item produced so far, as a JSON array. */
  static final class AtomicReplace extends Producer {

    AtomicReplace(Path file, String prefix, Duration every) {
      super(file, prefix, every);
    }

    @Override
    void write(int from, int to) throws IOException {
      StringBuilder b = new StringBuilder("[\n");
      for (int n = 0; n < to; n++) {
        b.append(n == 0 ? "  " : ",\n  ").append(item(n));
      }
      b.append("\n]\n");
      Queues.replaceAtomically(file(), b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Appends one JSON line per item with two plain writes and a pause between them. */
  static final class CarelessAppend extends Producer {

    CarelessAppend(Path file, String prefix, Duration every) {
      super(file, prefix, every);
    }

    @Override
    void write(int from, int to) throws IOException {
      try (var out = new java.io.FileOutputStream(file().toFile(), true)) {
        for (int n = from; n < to; n++) {
          byte[] line = (item(n) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
          int cut = 1 + ThreadLocalRandom.current().nextInt(line.length - 1);
          out.write(line, 0, cut);
          out.flush();
          Thread.sleep(ThreadLocalRandom.current().nextInt(20));
          out.write(line, cut, line.length - cut);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Replaces {@code file} atomically like {@link AtomicReplace}, but every fourth version ends in a
   * half item and stays for {@code brokenFor}, long enough for the worker to confirm the fault and
   * quarantine a copy. Remembers every version it wrote (as SHA-256), so a quarantine copy can be
   * checked against them; {@link #close()} leaves a complete version.
   */
  static final class SometimesBroken extends Producer {
    private final Duration brokenFor;
    private final java.util.Set<String> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int written;
    private int last;

    SometimesBroken(Path file, String prefix, Duration every, Duration brokenFor) {
      super(file, prefix, every);
      this.brokenFor = brokenFor;
    }

    /** SHA-256 (hex) of every version written. */
    java.util.Set<String> versions() {
      return versions;
    }

    @Override
    void write(int from, int to) throws IOException {
      boolean broken = ++written % 4 == 0;
      replace(to, broken);
      if (broken) {
        try {
          Thread.sleep(brokenFor.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void replace(int to, boolean broken) throws IOException {
      StringBuilder b = new StringBuilder("[\n");
      for (int n = 0; n < to; n++) {
        b.append(n == 0 ? "  " : ",\n  ").append(item(n));
      }
      if (broken) {
        b.append(to == 0 ? "  " : ",\n  ").append("{\"id\": \"half-").append(written).append("\", \"text\": \"cut");
      } else {
        b.append("\n]\n");
      }
      byte[] bytes = b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      versions.add(sha256(bytes));
      last = to;
      Queues.replaceAtomically(file(), bytes);
    }

    @Override
    public void close() throws IOException {
      super.close();
      replace(Math.max(last, ids().size()), false);
    }

    static String sha256(byte[] bytes) {
      try {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
