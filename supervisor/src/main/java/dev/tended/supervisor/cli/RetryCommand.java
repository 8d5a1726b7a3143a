package dev.tended.supervisor.cli;

import picocli.CommandLine.Command;

/** placeholder */
@Command(name = "retry", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class)
final class RetryCommand implements Runnable {
  @Override
  public void run() {}
}
