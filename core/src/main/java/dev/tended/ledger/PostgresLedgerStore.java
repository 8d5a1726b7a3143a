package dev.tended.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
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
public final class PostgresLedgerStore implements LedgerStore {
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
  public ItemLedger openItemLedger(Clock clock) {
    Objects.requireNonNull(clock);
    return new SqlItemLedger(openMigrated(), clock);
  }

  @Override
  public LedgerView openView() {
    LedgerSession session = session(true, "open ledger " + describe() + " read-only");
    try {
      return new SqlLedgerView(session, PostgresSchema.checkReadable(session));
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  @Override
  public LedgerAdmin openAdmin(Clock clock) {
    Objects.requireNonNull(clock);
    return new SqlLedgerAdmin(openMigrated(), clock);
  }

  /** The URL without any password in it. */
  @Override
  public String describe() {
    return redacted(url);
  }

  private LedgerSession openMigrated() {
    LedgerSession session = session(false, "open ledger " + describe());
    try {
      PostgresSchema.migrate(session);
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private LedgerSession session(boolean readOnly, String operation) {
    Properties props = new Properties();
    if (!user.isEmpty()) {
      props.setProperty("user", user);
    }
    if (!password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", "tended");
    try {
      Connection db = DriverManager.getConnection(url, props);
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
