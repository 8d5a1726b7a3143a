package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import dev.tended.io.FileOpsWrapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * The test kit's {@link FileOpsWrapper}: with this jar on a real worker's class path, the variables
 * below put a {@link PowerCutRecorder}, {@link FailingForces} or {@link HeldForces} under every durable write. Without
 * them it changes nothing. The product reads none of these variables; only this class does, and it
 * never ships.
 */
public final class EnvironmentFaults implements FileOpsWrapper {
  /** Environment variable naming the folder where {@link PowerCutRecorder} keeps its records. */
  public static final String POWERCUT_DIR = "TENDED_TEST_POWERCUT_DIR";
  /** Environment variable: every Nth force fails ({@link FailingForces}). */
  public static final String FAIL_FORCE_EVERY = "TENDED_TEST_FAIL_FORCE_EVERY";
  /** Environment variable: the force of a file whose path contains this never returns ({@link HeldForces}). */
  public static final String HOLD_FORCE_OF = "TENDED_TEST_HOLD_FORCE_OF";
  /** Environment variable: the file {@link HeldForces} writes the held path into. */
  public static final String HOLD_FORCE_SIGNAL = "TENDED_TEST_HOLD_FORCE_SIGNAL";

  @Override
  public FileOps wrap(FileOps system) {
    return wrap(system, System.getenv());
  }

  static FileOps wrap(FileOps system, Map<String, String> env) {
    FileOps ops = system;
    String dir = env.get(POWERCUT_DIR);
    if (dir != null && !dir.isBlank()) {
      ops = new PowerCutRecorder(ops, new PowerCutShadow(Path.of(dir)));
    }
    String every = env.get(FAIL_FORCE_EVERY);
    if (every != null && !every.isBlank()) {
      ops = new FailingForces(ops, Integer.parseInt(every.trim()), new Random());
    }
    String held = env.get(HOLD_FORCE_OF);
    if (held != null && !held.isBlank()) {
      ops = new HeldForces(ops, held, Path.of(env.get(HOLD_FORCE_SIGNAL)));
    }
    return ops;
  }
}
