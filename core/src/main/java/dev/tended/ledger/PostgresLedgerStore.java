package dev.tended.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A ledger in a PostgreSQL database ({@code ledger.url: jdbc:postgresql://…}), which the workers of
 * several hosts share: the same faces and the same contract as the SQLite file ({@link SqlDialect}
 * holds what differs), each face on a connection of its own. Writers create and migrate the schema;
 * a view only checks it, on a read-only connection. The password is passed to the driver only, never
 * into a message.
 */
public final class PostgresLedgerStore extends SqlLedgerStore {
  private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)(password|sslpassword)=[^&]*");

  private final String url;
  private final String user;
  private final String password;

  private PostgresLedgerStore(String url, String user, String password) {
    if (!Objects.requireNonNull(url).startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redacted(url));
    }
    this.url = url;
    this.user = user == null ? "" : user;
    this.password = password == null ? "" : password;
  }

  /** The ledger in the database at {@code url}, as {@code user} with {@code password} (either may be empty). */
  public static PostgresLedgerStore at(String url, String user, String password) {
    return new PostgresLedgerStore(url, user, password);
  }

  @Override
  LedgerSession openWriteSession() {
    return session(false, "open ledger " + describe());
  }

  @Override
  LedgerSession openReadSession() {
    return session(true, "open ledger " + describe() + " read-only");
  }

  @Override
  void migrate(LedgerSession session) {
    PostgresSchema.migrate(session);
  }

  @Override
  int checkReadable(LedgerSession session) {
    return PostgresSchema.checkReadable(session);
  }

  @Override
  public boolean present() {
    return true;
  }

  /** The URL without any password in it. */
  @Override
  public String describe() {
    return redacted(url);
  }

  /**
   * A new connection to the ledger's database, for what shares it with the ledger (Quartz's
   * clustered job store); the caller closes it.
   *
   * @throws SQLException when the database cannot be reached
   */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, credentials());
  }

  private Properties credentials() {
    Properties props = new Properties();
    if (!user.isEmpty()) {
      props.setProperty("user", user);
    }
    if (!password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", "tended");
    return props;
  }

  private LedgerSession session(boolean readOnly, String operation) {
    try {
      Connection db = connect();
      db.setReadOnly(readOnly);
      return new LedgerSession(db, describe(), PostgresDialect.INSTANCE);
    } catch (SQLException e) {
      throw new LedgerException(operation, e);
    }
  }

  static String redacted(String url) {
    return SECRET_PARAMETER.matcher(url).replaceAll("$1=***");
  }
}
