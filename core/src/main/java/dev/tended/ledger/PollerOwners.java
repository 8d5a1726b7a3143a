package dev.tended.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which node polls each source of a shared ledger, read from the tables of Quartz's clustered job
 * store in the ledger's database with plain JDBC, so that {@code status}, {@code health-diagnose} and
 * the dashboard can show it without Quartz (the supervisor and the commands depend on core only). The
 * worker's clustered source ownership writes those tables through Quartz: one job per source in the
 * group {@value #GROUP} of the scheduler {@value #SCHEDULER}, and the node whose Quartz runs a
 * source's job holds it; this class only reads them, and the worker uses the same names.
 *
 * <p>Stateless; each call reads what the database holds at that moment.
 */
public final class PollerOwners {
  /** The Quartz scheduler name every node of a cluster shares (Quartz's {@code SCHED_NAME}). */
  public static final String SCHEDULER = "tended";
  /** The Quartz job group of the sources' jobs; a job's name is its source's name. */
  public static final String GROUP = "sources";

  private static final String OWNERS = """
      SELECT j.job_name, f.instance_name, f.fired_time, s.last_checkin_time
      FROM qrtz_job_details j
      LEFT JOIN qrtz_fired_triggers f
        ON f.sched_name = j.sched_name AND f.job_name = j.job_name AND f.job_group = j.job_group
       AND f.state = 'EXECUTING'
      LEFT JOIN qrtz_scheduler_state s
        ON s.sched_name = f.sched_name AND s.instance_name = f.instance_name
      WHERE j.sched_name = ? AND j.job_group = ?
      ORDER BY j.job_name, f.fired_time, f.entry_id""";

  private static final String HOLDINGS = """
      SELECT entry_id, instance_name, fired_time FROM qrtz_fired_triggers
      WHERE sched_name = ? AND job_name = ? AND job_group = ? AND state = 'EXECUTING'
      ORDER BY fired_time, entry_id""";

  private PollerOwners() {}

  /**
   * One source as the cluster knows it.
   *
   * @param source the source's name
   * @param node the node that polls it, empty while none holds it (between a holder's end and the
   *     next one's start, or before any node started)
   * @param since when that node took it (its wall clock)
   * @param lastCheckin that node's last check-in with the cluster (its wall clock): a holder whose
   *     check-in is older than the failure limit is dead and about to be replaced
   */
  public record PollerOwner(String source, Optional<String> node, Optional<Instant> since,
      Optional<Instant> lastCheckin) {
    public PollerOwner {
      Objects.requireNonNull(source);
      Objects.requireNonNull(node);
      Objects.requireNonNull(since);
      Objects.requireNonNull(lastCheckin);
    }
  }

  /**
   * One running hold of a source's job: Quartz's fired-trigger entry, the node that runs it, when.
   * Normally a source has at most one; a second is a standby that waits for the first to end.
   */
  public record Holding(String entryId, String node, Instant firedAt) {
    public Holding {
      Objects.requireNonNull(entryId);
      Objects.requireNonNull(node);
      Objects.requireNonNull(firedAt);
    }
  }

  /**
   * Every source the cluster has a job for, in name order, with the node that holds it (the earliest
   * of its holds, should there be a standby); empty when Quartz's tables do not exist (no clustered
   * worker has started on this database yet).
   *
   * @throws SQLException when the database cannot be read
   */
  public static List<PollerOwner> read(Connection db) throws SQLException {
    List<PollerOwner> out = new ArrayList<>();
    if (!tablesExist(db)) {
      return out;
    }
    try (PreparedStatement st = db.prepareStatement(OWNERS)) {
      st.setString(1, SCHEDULER);
      st.setString(2, GROUP);
      try (ResultSet rs = st.executeQuery()) {
        String last = null;
        while (rs.next()) {
          String source = rs.getString(1);
          if (source.equals(last)) {
            continue; // a standby's hold: the first row is the holder
          }
          last = source;
          Optional<String> node = Optional.ofNullable(rs.getString(2));
          out.add(new PollerOwner(source, node, instant(rs, 3), instant(rs, 4)));
        }
      }
    }
    return out;
  }

  /**
   * The running holds of {@code source}'s job, earliest first.
   *
   * @throws SQLException when the database cannot be read (or Quartz's tables do not exist)
   */
  public static List<Holding> holdings(Connection db, String source) throws SQLException {
    List<Holding> out = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement(HOLDINGS)) {
      st.setString(1, SCHEDULER);
      st.setString(2, source);
      st.setString(3, GROUP);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new Holding(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
        }
      }
    }
    return out;
  }

  private static boolean tablesExist(Connection db) throws SQLException {
    try (PreparedStatement st = db.prepareStatement(
        "SELECT to_regclass('qrtz_job_details') IS NOT NULL AND to_regclass('qrtz_fired_triggers') IS NOT NULL"
            + " AND to_regclass('qrtz_scheduler_state') IS NOT NULL");
        ResultSet rs = st.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }
}
