package dev.tended.worker.source;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-only ways to make the worker misbehave on purpose, so tests can prove that the heartbeat and
 * the supervisor notice. Off unless the environment has {@code TENDED_TEST_HOOKS=1}; then the file
 * {@code <dataDir>/test-hooks/wedge-poller-<source>} makes that source's poller block inside its poll
 * until the file is removed.
 */
public final class TestHooks {
  private final Path dir;
  private final boolean enabled;

  public TestHooks(Path dataDir, boolean enabled) {
    this.dir = dataDir.resolve("test-hooks");
    this.enabled = enabled;
  }

  /** Hooks as the environment says. */
  public static TestHooks fromEnvironment(Path dataDir) {
    return new TestHooks(dataDir, "1".equals(System.getenv("TENDED_TEST_HOOKS")));
  }

  /** Blocks while the wedge file for {@code source} exists (only when enabled). */
  void maybeWedgePoller(String source) throws InterruptedException {
    if (!enabled) {
      return;
    }
    Path file = dir.resolve("wedge-poller-" + source);
    while (Files.exists(file)) {
      Thread.sleep(100);
    }
  }
}
