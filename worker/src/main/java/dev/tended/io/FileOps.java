package dev.tended.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;

/**
 * The few file operations whose order and durability decide what survives a power cut: create a
 * file, force its data, rename it, create a folder, force a folder. {@link AtomicFiles} does all of
 * its durable work through this one seam, so a test can record what was forced ({@link
 * PowerCutRecorder}) or make forces fail ({@link FailingForces}) in the real worker process.
 */
interface FileOps {
  /** Opens a new file for writing; fails when it exists. */
  FileChannel createNew(Path file) throws IOException;

  /** Forces {@code ch}'s data (and the metadata needed to read it back) to stable storage. */
  void force(FileChannel ch, Path file) throws IOException;

  /** Renames {@code from} over {@code to} atomically (replacing it when it exists). */
  void move(Path from, Path to) throws IOException;

  /** Creates one folder whose parent exists; fails when it exists. */
  void createDirectory(Path dir) throws IOException;

  /** Forces a folder's entries (names created, renamed or removed in it) to stable storage. */
  void forceDirectory(Path dir) throws IOException;

  /** The real file system. */
  FileOps SYSTEM = new FileOps() {
    @Override
    public FileChannel createNew(Path file) throws IOException {
      return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public void force(FileChannel ch, Path file) throws IOException {
      ch.force(true);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
      Files.createDirectory(dir);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  };

  /** Environment variable naming the folder where {@link PowerCutRecorder} keeps its records. */
  String POWERCUT_DIR = "TENDED_TEST_POWERCUT_DIR";
  /** Environment variable: every Nth force fails ({@link FailingForces}). */
  String FAIL_FORCE_EVERY = "TENDED_TEST_FAIL_FORCE_EVERY";

  /**
   * {@link #SYSTEM}, unless {@code TENDED_TEST_HOOKS=1} and {@value #POWERCUT_DIR} or {@value
   * #FAIL_FORCE_EVERY} ask for the test wrappers; the variables are ignored without the hooks switch.
   */
  static FileOps fromEnvironment(Map<String, String> env) {
    if (!"1".equals(env.get("TENDED_TEST_HOOKS"))) {
      return SYSTEM;
    }
    FileOps ops = SYSTEM;
    String dir = env.get(POWERCUT_DIR);
    if (dir != null && !dir.isBlank()) {
      ops = new PowerCutRecorder(ops, new PowerCutShadow(Path.of(dir)));
    }
    String every = env.get(FAIL_FORCE_EVERY);
    if (every != null && !every.isBlank()) {
      ops = new FailingForces(ops, Integer.parseInt(every.trim()), new Random());
    }
    return ops;
  }
}
