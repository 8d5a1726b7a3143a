package dev.tended.supervisor;

import dev.tended.supervisor.cli.Cli;

/**
 * Entry point of {@code tended-supervisor.jar}: the {@code supervise}, {@code health-diagnose},
 * {@code status} and {@code retry} commands. Exits with the command's code.
 */
public final class SupervisorMain {
  private SupervisorMain() {}

  public static void main(String[] args) {
    System.exit(Cli.run(args));
  }
}
