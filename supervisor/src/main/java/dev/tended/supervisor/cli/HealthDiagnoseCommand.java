package dev.tended.supervisor.cli;

import picocli.CommandLine.Command;

/** placeholder */
@Command(name = "health-diagnose", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 3, exitCodeOnExecutionException = 3, versionProvider = VersionProvider.class)
final class HealthDiagnoseCommand implements Runnable {
  static final int UNKNOWN = 3;

  @Override
  public void run() {}
}
