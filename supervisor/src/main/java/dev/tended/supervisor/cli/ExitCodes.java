package dev.tended.supervisor.cli;

/** The exit codes scripts rely on (PRODUCT.md). */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int CONFIG = 78;

  private ExitCodes() {}
}
