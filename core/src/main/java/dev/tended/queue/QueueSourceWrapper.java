package dev.tended.queue;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * A service that wraps each {@link QueueSource} the worker makes, found with {@link ServiceLoader}.
 * It exists so that the test kit can wedge a real worker's poller (to prove the heartbeat and the
 * supervisor notice) by adding its jar to the class path; the shipped jars declare none, and then
 * {@link #wrapAll} returns the source itself.
 */
public interface QueueSourceWrapper {
  /** The source to poll instead of {@code source}; usually a decorator of it. */
  QueueSource wrap(QueueSource source, Path dataDir);

  /** {@code source}, wrapped by every wrapper on the class path in the order they are found. */
  static QueueSource wrapAll(QueueSource source, Path dataDir) {
    QueueSource s = source;
    for (QueueSourceWrapper w : ServiceLoader.load(QueueSourceWrapper.class)) {
      s = w.wrap(s, dataDir);
    }
    return s;
  }
}
