package dev.tended.io;

import java.util.ServiceLoader;

/**
 * A service that wraps the real {@link FileOps}, found with {@link ServiceLoader}. It exists so that
 * the test kit can put a power-cut recorder or failing forces under a real worker process by adding
 * its jar to the class path, without the product reading any switch: the shipped jars declare no
 * such service, and then {@link #wrapSystem()} is {@link FileOps#SYSTEM} itself.
 */
public interface FileOpsWrapper {
  /** The operations to use instead of {@code system}; usually a decorator of it. */
  FileOps wrap(FileOps system);

  /** {@link FileOps#SYSTEM}, wrapped by every wrapper on the class path in the order they are found. */
  static FileOps wrapSystem() {
    FileOps ops = FileOps.SYSTEM;
    for (FileOpsWrapper w : ServiceLoader.load(FileOpsWrapper.class)) {
      ops = w.wrap(ops);
    }
    return ops;
  }
}
