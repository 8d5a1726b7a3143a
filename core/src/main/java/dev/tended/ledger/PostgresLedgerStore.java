package dev.tended.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

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
  private final LedgerNode node;

  private PostgresLedgerStore(String url, String user, String password, LedgerNode node) {
    if (!Objects.requireNonNull(url).startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redacted(url));
    }
    this.url = url;
    this.user = user == null ? "" : user;
    this.password = password == null ? "" : password;
    this.node = Objects.requireNonNull(node);
  }

  /**
   * The ledger in the database at {@code url}, as {@code user} with {@code password} (either may be
   * empty), written by {@code node}.
   */
  public static PostgresLedgerStore at(String url, String user, String password, LedgerNode node) {
    return new PostgresLedgerStore(url, user, password, node);
  }

  /** As above, written by this host under its own name with the default lease (for tools and tests). */
  public static PostgresLedgerStore at(String url, String user, String password) {
    return at(url, user, password, LedgerNode.shared(dev.tended.config.HostName.current(), java.time.Duration.ofMinutes(2)));
  }

  @Override
  LedgerNode node() {
    return node;
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

  /**
   * The ledger's database as a data source with the same settings as {@link #connect} (the URL's own
   * parameters win, as there), for a pool of what shares the database (Quartz's connections).
   */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    Properties settings = credentials();
    try {
      for (String name : settings.stringPropertyNames()) {
        ds.setProperty(name, settings.getProperty(name));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("a connection setting the PostgreSQL driver does not know: " + e.getMessage(), e);
    }
    ds.setUrl(url);
    return ds;
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
    // A network cut must fail a call, not hang it with the ledger's lock held (the URL may say otherwise).
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "60");
    props.setProperty("tcpKeepAlive", "true");
    return props;
  }

  private LedgerSession session(boolean readOnly, String operation) {
    try {
      return LedgerSession.reconnecting(connection(readOnly), describe(), PostgresDialect.INSTANCE,
          () -> connection(readOnly));
    } catch (SQLException e) {
      throw new LedgerException(operation, e);
    }
  }

  private Connection connection(boolean readOnly) throws SQLException {
    Connection db = connect();
    db.setReadOnly(readOnly);
    return db;
  }

  static String redacted(String url) {
    return SECRET_PARAMETER.matcher(url).replaceAll("$1=***");
  }
}
