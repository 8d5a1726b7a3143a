package dev.tended.supervisor.diagnose;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.io.AtomicFiles;
import dev.tended.supervisor.watch.StallEvidence;
import dev.tended.supervisor.watch.StallReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code diagnostics/stall-<UTC time>.txt} before a stalled worker is killed: why, the
 * process's state and threads as {@code /proc} shows them (readable even from a frozen process), a
 * {@code jcmd Thread.print} dump (skipped for a process stopped by a signal, which cannot answer;
 * bounded by {@link #DUMP_TIMEOUT} otherwise), the last status file as it was, and the watch loop's
 * time line. Keeps the newest {@code kept} records. Never throws: what could not be captured is
 * written down as such.
 */
public final class StallRecorder implements StallEvidence {
  private static final Logger log = LoggerFactory.getLogger(StallRecorder.class);
  /** The longest the supervisor waits for a thread dump. */
  public static final Duration DUMP_TIMEOUT = Duration.ofSeconds(5);
  private static final DateTimeFormatter NAME_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final int kept;
  private final ThreadDumps dumps;

  public StallRecorder(Path diagnosticsDir, int kept, Duration dumpTimeout) {
    this.dir = diagnosticsDir;
    this.kept = kept;
    this.dumps = new ThreadDumps(dumpTimeout);
  }

  @Override
  public Optional<String> capture(StallReport r) {
    long start = System.nanoTime();
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("tended stall record\n");
    b.append("detected_at: ").append(r.detectedAt()).append('\n');
    b.append("reason: ").append(r.reason()).append('\n');
    b.append("supervisor_pid: ").append(ProcessHandle.current().pid()).append('\n');
    String dumpSummary = "none";
    if (r.process().isEmpty()) {
      b.append("worker_pid: none alive (nothing to dump)\n");
    } else {
      long pid = r.process().get().pid();
      b.append("worker_pid: ").append(pid).append('\n');
      Optional<ProcStat> stat = ProcFs.stat(pid);
      b.append("process_state: ").append(stat.map(s -> ProcStat.describe(s.state())).orElse("unknown")).append('\n');
      b.append("cmdline: ").append(ProcFs.cmdline(pid).orElse("unknown")).append('\n');
      b.append("\n--- threads (/proc/").append(pid).append("/task: tid, state, name) ---\n");
      for (ProcFs.Task t : ProcFs.tasks(pid)) {
        b.append(String.format("%8d  %s  %s", t.tid(), t.state(), t.name())).append('\n');
      }
      b.append("\n--- thread dump (jcmd ").append(pid).append(" Thread.print) ---\n");
      if (stat.map(ProcStat::stopped).orElse(false)) {
        dumpSummary = "skipped_stopped";
        b.append("not taken: the process is stopped by a signal (SIGSTOP or a tracer) and cannot answer;\n"
            + "it was frozen from outside rather than wedged inside. The thread list above is from /proc.\n");
      } else {
        ThreadDumps.Dump d = dumps.take(pid);
        dumpSummary = d.ok() ? "ok" : "failed";
        b.append("(took ").append(d.tookMs()).append(" ms)\n").append(d.text()).append('\n');
        if (!d.ok()) {
          boolean quit = sigquit(pid);
          b.append(quit
              ? "SIGQUIT sent instead: the JVM prints its thread dump to its own stdout (the supervisor's log or journal).\n"
              : "SIGQUIT could not be sent either.\n");
        }
      }
    }
    b.append("\n--- time line (wall clock, supervisor monotonic offset, event) ---\n");
    for (String line : r.timeline()) {
      b.append(line).append('\n');
    }
    b.append("\n--- last status file (").append(r.statusFile()).append(") ---\n");
    try {
      b.append(Files.readString(r.statusFile(), StandardCharsets.UTF_8)).append('\n');
    } catch (IOException | RuntimeException e) {
      b.append("unreadable: ").append(e).append('\n');
    }
    try {
      Files.createDirectories(dir);
      Path file = freeName(r);
      AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
      prune();
      log.warn("stall_recorded file={} thread_dump={} took_ms={}", file, dumpSummary,
          (System.nanoTime() - start) / 1_000_000);
      return Optional.of(file.getFileName().toString());
    } catch (IOException | RuntimeException e) {
      log.error("stall_record_write_failed dir={} error=\"{}\"", dir, e.toString());
      return Optional.empty();
    }
  }

  /**
   * {@code stall-<time>.txt}, or {@code stall-<time>-N.txt} with N above every record of that second
   * still on disk, so that names stay in order even after the oldest of them were pruned.
   */
  private Path freeName(StallReport r) throws IOException {
    String base = "stall-" + NAME_TIME.format(r.detectedAt());
    int highest = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, base + "*.txt")) {
      for (Path p : ds) {
        highest = Math.max(highest, nameSuffix(p));
      }
    }
    return dir.resolve(highest == 0 ? base + ".txt" : base + "-" + (highest + 1) + ".txt");
  }

  private void prune() throws IOException {
    List<Path> records = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "stall-*.txt")) {
      ds.forEach(records::add);
    }
    if (records.size() <= kept) {
      return;
    }
    // Oldest first: by modification time, then by the name's time and its -N suffix (a tie in mtime
    // must not put stall-T.txt after stall-T-2.txt, nor stall-T-10.txt before stall-T-9.txt).
    records.sort(Comparator.comparing(StallRecorder::mtime).thenComparing(StallRecorder::nameTime)
        .thenComparingInt(StallRecorder::nameSuffix));
    for (Path old : records.subList(0, records.size() - kept)) {
      Files.deleteIfExists(old);
      log.info("stall_record_pruned file={} kept={}", old.getFileName(), kept);
    }
  }

  /** {@code stall-20261123T182817Z-3.txt} gives {@code 20261123T182817Z}. */
  private static String nameTime(Path p) {
    String n = p.getFileName().toString();
    int z = n.indexOf('Z');
    return z < 0 ? n : n.substring(0, z + 1);
  }

  /** {@code stall-20261123T182817Z-3.txt} gives 3; without a suffix, 1 (the first of that second). */
  private static int nameSuffix(Path p) {
    String n = p.getFileName().toString();
    int z = n.indexOf("Z-");
    if (z < 0 || !n.endsWith(".txt")) {
      return 1;
    }
    try {
      return Integer.parseInt(n.substring(z + 2, n.length() - 4));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static FileTime mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static boolean sigquit(long pid) {
    try {
      return Signals.toProcess(pid, Signal.QUIT);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
