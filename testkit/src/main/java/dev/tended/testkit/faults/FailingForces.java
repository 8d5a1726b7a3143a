package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test wrapper: every {@code every}-th force (of a file or a folder) fails with an {@link
 * IOException}, the way Linux reports a write-back error. As Linux may then have dropped the dirty
 * pages ("fsyncgate"), a failed file force also cuts the file to a random shorter length, so code
 * that trusts data after a failed force is caught at once, not only after a power cut. Thread-safe.
 */
final class FailingForces extends ForwardingFileOps {
  private final int every;
  private final Random random;
  private final AtomicLong forces = new AtomicLong();

  FailingForces(FileOps real, int every, Random random) {
    super(real);
    if (every < 1) {
      throw new IllegalArgumentException(EnvironmentFaults.FAIL_FORCE_EVERY + " must be at least 1, was " + every);
    }
    this.every = every;
    this.random = Objects.requireNonNull(random, "random");
  }

  private boolean failsNow() {
    return forces.incrementAndGet() % every == 0;
  }

  @Override
  public void force(FileChannel ch, Path file) throws IOException {
    if (failsNow()) {
      long size = ch.size();
      long keep;
      synchronized (random) {
        keep = size == 0 ? 0 : random.nextInt((int) Math.min(size, Integer.MAX_VALUE));
      }
      ch.truncate(keep);
      throw new IOException("simulated failure to force " + file + " (dirty pages dropped, " + keep + " of "
          + size + " bytes left)");
    }
    real.force(ch, file);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    if (failsNow()) {
      throw new IOException("simulated failure to force folder " + dir);
    }
    real.forceDirectory(dir);
  }
}
