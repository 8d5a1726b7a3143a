package dev.tended.supervisor.cli;

import picocli.CommandLine;

/** {@code --version}: the Implementation-Version of the jar's manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"tended " + version()};
  }

  static String version() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
