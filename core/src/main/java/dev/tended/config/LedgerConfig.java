package dev.tended.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the ledger lives ({@code ledger:}): empty {@code url} keeps the SQLite file in the data
 * folder, one worker per host; a {@code jdbc:postgresql://…} URL shares one database among the
 * workers of several hosts, each known by its {@code node} name. The password is never part of the
 * configuration file: it is read from {@code passwordFile} (or the environment variable
 * {@value #PASSWORD_VARIABLE}) when the ledger is opened, so a configuration can be shown or logged.
 *
 * @param url empty, or a PostgreSQL JDBC URL
 * @param user the database role; empty for the driver's default
 * @param passwordFile a file holding the password (its first line), or null
 * @param node this worker's name in the cluster, unique per host: the host name by default
 */
public record LedgerConfig(String url, String user, Path passwordFile, String node) {
  /** The environment variable read for the password when no {@code passwordFile} is given. */
  public static final String PASSWORD_VARIABLE = "TENDED_LEDGER_PASSWORD";
  /** What a node name may be: it shows in logs, {@code status} and the database. */
  public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public LedgerConfig {
    Objects.requireNonNull(url);
    Objects.requireNonNull(user);
    Objects.requireNonNull(node);
  }

  /** The SQLite ledger in the data folder, this host's name as the node. */
  public static LedgerConfig sqlite() {
    return new LedgerConfig("", "", null, HostName.current());
  }

  /** True when the ledger is a database the workers of several hosts share. */
  public boolean shared() {
    return !url.isEmpty();
  }

  /**
   * The password: the first line of {@code passwordFile}, else {@value #PASSWORD_VARIABLE}, else empty.
   *
   * @throws IOException naming the file when it cannot be read
   */
  public String password() throws IOException {
    if (passwordFile != null) {
      try {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return (end >= 0 ? text.substring(0, end) : text).strip();
      } catch (IOException e) {
        throw new IOException("ledger.passwordFile: " + passwordFile + " cannot be read: " + e.getMessage(), e);
      }
    }
    return Optional.ofNullable(System.getenv(PASSWORD_VARIABLE)).orElse("");
  }
}
