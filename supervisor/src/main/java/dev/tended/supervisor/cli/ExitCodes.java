package dev.tended.supervisor.cli;

/** The exit codes scripts rely on (PRODUCT.md). */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILURE = 1;
  /** EX_TEMPFAIL: an operator's request was left for the worker, which has not applied it yet. */
  static final int ACCEPTED = 75;
  static final int CONFIG = 78;

  private ExitCodes() {}
}
