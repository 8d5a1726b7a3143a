package dev.tended.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The worker's {@link ItemLedger} on SQL (an SQLite file in WAL mode with {@code synchronous=FULL},
 * or a PostgreSQL database): each method is one transaction, committed before it returns.
 *
 * <p>On a ledger several nodes share, each claim records the claiming node and a lease on the
 * database's clock; the node's heartbeat renews it ({@link #renewLeases}), another node takes an
 * attempt whose lease ended ({@link #takeOverExpired}). Every write that ends or touches a running
 * attempt is fenced by the attempt token this object got when it claimed or adopted the attempt: a
 * node that lost an attempt to another cannot record over the new owner's.
 *
 * <p>Thread-safe: every method holds this object's lock around its one connection; {@link #finish}
 * queues first, so that concurrent finishes share one commit ({@link GroupCommit}). Other processes
 * (the supervisor's commands, other nodes) may open the same ledger at the same time.
 */
final class SqlItemLedger implements ItemLedger {
  /** Versions of an id still to finish: an older one of these holds a newer version back. */
  private static final String UNFINISHED = "('pending', 'running', 'failed')";

  /** The token check every write to a running attempt carries: the attempt is still the one this node holds. */
  private static final String STILL_HELD = " AND (CAST(? AS TEXT) IS NULL OR attempt_token = ?)";

  private final LedgerSession db;
  private final Clock clock;
  private final LedgerNode node;
  private final GroupCommit<Write> writes;
  private final LedgerPruning pruning;
  /**
   * The attempt token of each attempt this node claimed or adopted and has not ended: its fence. An
   * attempt another node took over keeps a token marked {@link #LOST}, which matches no row, so its
   * late writes stay refused after {@link #renewLeases} reported it. Under this object's lock.
   */
  private final Map<Long, String> tokens = new HashMap<>();
  /** What marks the token of an attempt this node lost: no token the database makes starts so. */
  private static final String LOST = "lost:";

  SqlItemLedger(LedgerSession db, Clock clock, LedgerNode node) {
    this.db = db;
    this.clock = clock;
    this.node = node;
    this.writes = new GroupCommit<>(this, this::commitWrites);
    this.pruning = new SqlLedgerPruning(db, this, clock);
  }

  @Override
  public synchronized int recordSeen(String source, List<NewItem> items) {
    if (items.isEmpty()) {
      return 0;
    }
    long now = clock.millis();
    return db.inTransaction("record items of " + source, () -> {
      List<Long> added = new ArrayList<>();
      try (PreparedStatement ins = db.connection().prepareStatement(
          "INSERT INTO items (source, item_id, content_hash, payload, state, attempts,"
              + " next_attempt_at, first_seen_at, updated_at) SELECT ?, ?, ?, ?, 'pending', 0, ?, ?, ?"
              // a version pruned by retention keeps its identity: identical content never runs twice
              + " WHERE NOT EXISTS (SELECT 1 FROM identities WHERE source = ? AND item_id = ? AND content_hash = ?)"
              // identical content already recorded (by this node or, on a shared ledger, another) is no news
              + " ON CONFLICT DO NOTHING RETURNING seq")) {
        for (NewItem item : items) {
          ins.setString(1, source);
          ins.setString(2, item.id());
          ins.setString(3, item.contentHash());
          ins.setString(4, item.payload());
          ins.setLong(5, now);
          ins.setLong(6, now);
          ins.setLong(7, now);
          ins.setString(8, source);
          ins.setString(9, item.id());
          ins.setString(10, item.contentHash());
          try (ResultSet rs = ins.executeQuery()) {
            while (rs.next()) {
              added.add(rs.getLong(1));
            }
          }
        }
      }
      if (!added.isEmpty()) {
        try (PreparedStatement tr = db.connection().prepareStatement("INSERT INTO transitions"
            + " (item_seq, at, from_state, to_state, attempt, detail) VALUES (?, ?, NULL, 'pending', 0, 'seen')")) {
          for (long seq : added) {
            tr.setLong(1, seq);
            tr.setLong(2, now);
            tr.addBatch();
          }
          tr.executeBatch();
        }
      }
      return added.size();
    });
  }

  @Override
  public synchronized int recoverInterrupted() {
    long now = clock.millis();
    return db.inTransaction("recover interrupted items", () -> {
      try (Statement st = db.connection().createStatement()) {
        st.executeUpdate("INSERT INTO transitions (item_seq, at, from_state, to_state, attempt, detail)"
            + " SELECT seq, " + now + ", 'running', 'pending', attempts, 'interrupted by a crash'"
            + " FROM items WHERE state = 'running'");
        return st.executeUpdate("UPDATE items SET state = 'pending', next_attempt_at = " + now
            + ", updated_at = " + now + ", last_error = 'interrupted by a crash' WHERE state = 'running'");
      }
    });
  }

  @Override
  public synchronized List<ItemRecord> claimDue(String source, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    long now = clock.millis();
    return db.inTransaction("claim items of " + source, () -> {
      // Which items: the oldest due pending ones and the oldest due failed ones, each read in seq
      // order along items_in_line, so a claim costs its own size, not the backlog's (one query with
      // "state IN (...) ORDER BY seq" sorts every due item), merged here. Then two statements for
      // the whole batch: the transitions (they need each item's state before the claim), the claim.
      List<Long> seqs = new ArrayList<>(dueInLine(source, "pending", now, limit));
      seqs.addAll(dueInLine(source, "failed", now, limit));
      if (seqs.isEmpty()) {
        return List.of();
      }
      Collections.sort(seqs);
      String in = seqs.subList(0, Math.min(limit, seqs.size())).stream().map(String::valueOf)
          .collect(Collectors.joining(",", "(", ")"));
      try (PreparedStatement tr = db.connection().prepareStatement("INSERT INTO transitions"
          + " (item_seq, at, from_state, to_state, attempt, exit_code, detail)"
          + " SELECT seq, ?, state, 'running', attempts + 1, NULL, NULL FROM items WHERE seq IN " + in)) {
        tr.setLong(1, now);
        tr.executeUpdate();
      }
      List<ItemRecord> claimed = new ArrayList<>();
      try (PreparedStatement up = db.connection().prepareStatement("UPDATE items SET state = 'running',"
          + " attempts = attempts + 1, attempt_token = " + db.dialect().randomToken() + ", last_started_at = ?, updated_at = ?,"
          + " owner_node = ?, lease_until = " + db.dialect().databaseMillis() + " + ?"
          + " WHERE seq IN " + in
          + " RETURNING " + LedgerSession.COLUMNS)) {
        up.setLong(1, now);
        up.setLong(2, now);
        up.setString(3, node.name());
        up.setLong(4, node.lease().toMillis());
        try (ResultSet rs = up.executeQuery()) {
          while (rs.next()) {
            claimed.add(LedgerSession.read(rs));
          }
        }
      }
      claimed.forEach(r -> tokens.put(r.seq(), r.attemptToken()));
      claimed.sort(Comparator.comparingLong(ItemRecord::seq));
      return claimed;
    });
  }

  /**
   * Up to {@code limit} seqs of the source's items in {@code state} that are due and first in line
   * for their id (no older version unfinished), oldest first. The older-version check reads along
   * items_by_id and looks at that id's older versions only.
   */
  private List<Long> dueInLine(String source, String state, long now, int limit) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    try (PreparedStatement q = db.connection().prepareStatement("SELECT i.seq FROM items i" + db.dialect().indexedBy("items_in_line")
        + " WHERE i.source = ? AND i.state = ? AND i.next_attempt_at <= ?"
        + " AND NOT EXISTS (SELECT 1 FROM items o" + db.dialect().indexedBy("items_by_id") + " WHERE o.source = i.source"
        + " AND o.item_id = i.item_id AND o.seq < i.seq AND o.state IN " + UNFINISHED + ")"
        + " ORDER BY i.seq LIMIT ?" + db.dialect().skipTaken())) {
      q.setString(1, source);
      q.setString(2, state);
      q.setLong(3, now);
      q.setInt(4, limit);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
        }
      }
    }
    return seqs;
  }

  @Override
  public void finish(long seq, ItemState to, AttemptEnding ending, Integer exitCode, String detail,
      Instant nextAttemptAt) {
    if (to != ItemState.SUCCEEDED && to != ItemState.FAILED && to != ItemState.DEAD) {
      throw new IllegalArgumentException("an attempt cannot end in " + to);
    }
    Objects.requireNonNull(ending, "ending");
    if (ending == AttemptEnding.HANDED_BACK || ending == AttemptEnding.INTERRUPTED) {
      throw new IllegalArgumentException("an attempt " + ending.wireName() + " is recorded by its own method");
    }
    writes.submit(new Finish(seq, to, ending, exitCode, detail, nextAttemptAt, clock.millis(), tokenOf(seq)),
        "finish item " + seq);
  }

  @Override
  public void handlerStarted(HandlerRecord handler) {
    writes.submit(new Started(handler, tokenOf(handler.seq())), "record the handler of item " + handler.seq());
  }

  /** The token of this node's attempt at {@code seq}, or null when it knows none (then no write is fenced). */
  private synchronized String tokenOf(long seq) {
    return tokens.get(seq);
  }

  /** Sets the two parameters of {@link #STILL_HELD} from {@code index}. */
  private static void setHeld(PreparedStatement ps, int index, String token) throws SQLException {
    ps.setString(index, token);
    ps.setString(index + 1, token);
  }

  /** A write that shares its commit with others ({@link GroupCommit}): each is one synced write per attempt. */
  private sealed interface Write permits Finish, Started {
    long seq();
  }

  /** One attempt's end, as queued for a shared commit, with the token of the attempt it ends. */
  private record Finish(long seq, ItemState to, AttemptEnding ending, Integer exitCode, String detail,
      Instant nextAttemptAt, long at, String token) implements Write {}

  /** One attempt's handler processes, as queued for a shared commit, with the token of its attempt. */
  private record Started(HandlerRecord handler, String token) implements Write {
    @Override
    public long seq() {
      return handler.seq();
    }
  }

  /** Commits every queued write in one transaction; one for an item not running fails alone. */
  private void commitWrites(List<GroupCommit.Entry<Write>> batch) {
    db.inTransaction("record " + batch.size() + " attempt change(s)", () -> {
      try (PreparedStatement tr = db.connection().prepareStatement("INSERT INTO transitions"
              + " (item_seq, at, from_state, to_state, attempt, exit_code, detail, ending)"
              + " SELECT seq, ?, 'running', ?, attempts, ?, ?, ? FROM items WHERE seq = ? AND state = 'running'"
              + STILL_HELD);
          PreparedStatement up = db.connection().prepareStatement("UPDATE items SET state = ?, next_attempt_at = ?,"
              + " last_finished_at = ?, last_exit_code = ?, last_error = ?, updated_at = ?,"
              + " attempts = " + db.dialect().greatest() + "(attempts - ?, 0) WHERE seq = ?");
          PreparedStatement handler = db.connection().prepareStatement("INSERT INTO handlers"
              + " (item_seq, attempt, token, boot_id, waiter_pid, waiter_start_ticks, handler_pid,"
              + " handler_start_ticks, started_at, spec) SELECT seq, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM items"
              + " WHERE seq = ? AND state = 'running'" + STILL_HELD + " ON CONFLICT (item_seq) DO UPDATE SET attempt = excluded.attempt,"
              + " token = excluded.token, boot_id = excluded.boot_id, waiter_pid = excluded.waiter_pid,"
              + " waiter_start_ticks = excluded.waiter_start_ticks, handler_pid = excluded.handler_pid,"
              + " handler_start_ticks = excluded.handler_start_ticks, started_at = excluded.started_at,"
              + " spec = excluded.spec");
          SqlAttemptTally tally = new SqlAttemptTally(db.connection())) {
        for (GroupCommit.Entry<Write> entry : batch) {
          Write w = entry.request();
          if (w instanceof Finish f ? !finishOne(tr, up, tally, f) : !startedOne(handler, (Started) w)) {
            entry.fail(new ItemNotRunningException(w.seq())); // its token stays: later writes stay refused
          }
        }
        tally.flush();
      }
      return null;
    });
  }

  private boolean finishOne(PreparedStatement tr, PreparedStatement up, SqlAttemptTally tally, Finish f)
      throws SQLException {
    tr.setLong(1, f.at());
    tr.setString(2, f.to().wireName());
    LedgerSession.setInteger(tr, 3, f.exitCode());
    tr.setString(4, f.detail());
    tr.setString(5, f.ending().wireName());
    tr.setLong(6, f.seq());
    setHeld(tr, 7, f.token());
    if (tr.executeUpdate() != 1) {
      return false;
    }
    tokens.remove(f.seq());
    up.setString(1, f.to().wireName());
    up.setLong(2, f.nextAttemptAt() == null ? f.at() : f.nextAttemptAt().toEpochMilli());
    up.setLong(3, f.at());
    LedgerSession.setInteger(up, 4, f.exitCode());
    up.setString(5, f.to() == ItemState.SUCCEEDED ? null : f.detail());
    up.setLong(6, f.at());
    up.setInt(7, f.ending().countsAsAttempt() ? 0 : 1);
    up.setLong(8, f.seq());
    up.executeUpdate();
    tally.attemptEnded(f.seq(), f.ending(), f.to(), f.at());
    db.forgetHandler(f.seq());
    return true;
  }

  private static boolean startedOne(PreparedStatement ins, Started started) throws SQLException {
    HandlerRecord h = started.handler();
    ins.setInt(1, h.attempt());
    ins.setString(2, h.token());
    ins.setString(3, h.bootId());
    ins.setLong(4, h.waiterPid());
    ins.setLong(5, h.waiterStartTicks());
    ins.setLong(6, h.handlerPid());
    ins.setLong(7, h.handlerStartTicks());
    ins.setLong(8, h.startedAt().toEpochMilli());
    ins.setString(9, h.spec());
    ins.setLong(10, h.seq());
    setHeld(ins, 11, started.token());
    return ins.executeUpdate() == 1;
  }

  @Override
  public synchronized List<RunningItem> running() {
    List<RunningItem> mine = db.query("list running items",
        () -> db.running(db.dialect().currentSchema(), node.sole() ? null : node.name()));
    mine.forEach(r -> tokens.put(r.item().seq(), r.item().attemptToken()));
    return mine;
  }

  @Override
  public synchronized boolean holds(long seq) {
    if (node.sole()) {
      return true;
    }
    return db.query("check the lease of item " + seq, () -> {
      try (PreparedStatement q = db.connection().prepareStatement(
          "SELECT 1 FROM items WHERE seq = ? AND state = 'running' AND owner_node = ?" + STILL_HELD)) {
        q.setLong(1, seq);
        q.setString(2, node.name());
        setHeld(q, 3, tokens.get(seq));
        try (ResultSet rs = q.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public synchronized Set<Long> renewLeases(NodeBeat beat) {
    return db.inTransaction("renew the leases of node " + node.name(), () -> {
      Map<Long, String> renewed = new HashMap<>();
      try (PreparedStatement up = db.connection().prepareStatement("UPDATE items SET lease_until = "
          + db.dialect().databaseMillis() + " + ? WHERE state = 'running' AND owner_node = ? RETURNING seq, attempt_token")) {
        up.setLong(1, node.lease().toMillis());
        up.setString(2, node.name());
        try (ResultSet rs = up.executeQuery()) {
          while (rs.next()) {
            renewed.put(rs.getLong(1), rs.getString(2));
          }
        }
      }
      // The beat is kept on the database's clock: nodes() measures a node's silence there.
      try (PreparedStatement nb = db.connection().prepareStatement("INSERT INTO nodes (node, beat_at, started_at, pid,"
          + " version, running) VALUES (?, " + db.dialect().databaseMillis() + ", ?, ?, ?, ?) ON CONFLICT (node) DO UPDATE"
          + " SET beat_at = excluded.beat_at, started_at = excluded.started_at, pid = excluded.pid,"
          + " version = excluded.version, running = excluded.running")) {
        nb.setString(1, node.name());
        nb.setLong(2, beat.startedAt().toEpochMilli());
        nb.setLong(3, beat.pid());
        nb.setString(4, beat.version());
        nb.setInt(5, renewed.size());
        nb.executeUpdate();
      }
      Set<Long> lost = new HashSet<>();
      tokens.forEach((seq, token) -> {
        if (token != null && !token.startsWith(LOST) && !token.equals(renewed.get(seq))) {
          lost.add(seq);
        }
      });
      lost.forEach(seq -> tokens.put(seq, LOST + tokens.get(seq)));
      return lost;
    });
  }

  @Override
  public synchronized List<TakenOver> takeOverExpired(Map<String, Integer> maxInterruptions) {
    long now = clock.millis();
    return db.inTransaction("take over expired leases", () -> {
      record Expired(long seq, String source, String owner) {}
      List<Expired> expired = new ArrayList<>();
      try (PreparedStatement q = db.connection().prepareStatement("SELECT i.seq, i.source, i.owner_node FROM items i"
          + " WHERE i.state = 'running' AND i.owner_node <> ? AND i.lease_until < " + db.dialect().databaseMillis()
          + " ORDER BY i.seq" + db.dialect().skipTaken())) {
        q.setString(1, node.name());
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            expired.add(new Expired(rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      List<TakenOver> out = new ArrayList<>();
      for (Expired e : expired) {
        String detail = "its node " + e.owner() + " stopped renewing its lease; taken over by " + node.name();
        interruptOne(e.seq(), detail, maxInterruptions.getOrDefault(e.source(), 5), null, now);
        out.add(new TakenOver(db.item(e.seq()), e.owner()));
      }
      return out;
    });
  }

  @Override
  public synchronized boolean askCancel(long seq, String askedBy) {
    return db.inTransaction("ask to cancel item " + seq, () -> {
      try (PreparedStatement up = db.connection().prepareStatement(
          "UPDATE items SET cancel_asked_by = ? WHERE seq = ? AND state = 'running'")) {
        up.setString(1, askedBy);
        up.setLong(2, seq);
        return up.executeUpdate() == 1;
      }
    });
  }

  @Override
  public synchronized List<CancelAsked> cancelsAsked() {
    return db.query("list the cancels asked of node " + node.name(), () -> {
      try (PreparedStatement q = db.connection().prepareStatement("SELECT seq, source, item_id, cancel_asked_by"
          + " FROM items WHERE state = 'running' AND cancel_asked_by IS NOT NULL"
          + (node.sole() ? "" : " AND owner_node = ?") + " ORDER BY seq")) {
        if (!node.sole()) {
          q.setString(1, node.name());
        }
        List<CancelAsked> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            out.add(new CancelAsked(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
          }
        }
        return out;
      }
    });
  }

  @Override
  public synchronized List<AttemptRecord> attempts(long seq) {
    return db.query("list the attempts of item " + seq, () -> db.attempts(seq, db.dialect().currentSchema()));
  }

  @Override
  public synchronized ItemState interrupted(long seq, String detail, int maxInterruptions) {
    long now = clock.millis();
    return db.inTransaction("record item " + seq + " interrupted",
        () -> interruptOne(seq, detail, maxInterruptions, tokens.get(seq), now));
  }

  /** {@link #interrupted} inside the caller's transaction; {@code token} null takes any attempt (a take-over). */
  private ItemState interruptOne(long seq, String detail, int maxInterruptions, String token, long now)
      throws SQLException {
    int attempts;
    int interruptions;
    try (PreparedStatement q = db.connection().prepareStatement(
        "SELECT attempts, interruptions FROM items WHERE seq = ? AND state = 'running'" + STILL_HELD)) {
      q.setLong(1, seq);
      setHeld(q, 2, token);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          throw new ItemNotRunningException(seq);
        }
        attempts = rs.getInt(1);
        interruptions = rs.getInt(2) + 1;
      }
    }
    boolean dead = interruptions >= maxInterruptions;
    ItemState to = dead ? ItemState.DEAD : ItemState.PENDING;
    String why = dead ? ItemLedger.interruptedTooOften(interruptions, detail) : detail;
    try (PreparedStatement up = db.connection().prepareStatement("UPDATE items SET state = ?,"
        + " attempts = " + db.dialect().greatest() + "(attempts - 1, 0), interruptions = ?, next_attempt_at = ?, updated_at = ?,"
        + " last_finished_at = CASE WHEN ? THEN ? ELSE last_finished_at END, last_exit_code = NULL,"
        + " last_error = ? WHERE seq = ?")) {
      up.setString(1, to.wireName());
      up.setInt(2, interruptions);
      up.setLong(3, now);
      up.setLong(4, now);
      up.setBoolean(5, dead);
      up.setLong(6, now);
      up.setString(7, why);
      up.setLong(8, seq);
      up.executeUpdate();
    }
    db.transition(seq, now, ItemState.RUNNING, to, Math.max(attempts - 1, 0), AttemptEnding.INTERRUPTED, null, why);
    tallyEnd(seq, AttemptEnding.INTERRUPTED, to, now);
    db.forgetHandler(seq);
    tokens.remove(seq);
    return to;
  }

  @Override
  public synchronized void handBack(long seq, String detail) {
    long now = clock.millis();
    db.inTransaction("hand back item " + seq, () -> {
      int attempt = db.attemptsOf(seq);
      try (PreparedStatement up = db.connection().prepareStatement("UPDATE items SET state = 'pending',"
          + " attempts = " + db.dialect().greatest() + "(attempts - 1, 0), next_attempt_at = ?, updated_at = ?, last_error = ?"
          + " WHERE seq = ? AND state = 'running'" + STILL_HELD)) {
        up.setLong(1, now);
        up.setLong(2, now);
        up.setString(3, detail);
        up.setLong(4, seq);
        setHeld(up, 5, tokens.get(seq));
        if (up.executeUpdate() != 1) {
          return null; // not running (any more), or no longer this node's: nothing to hand back
        }
      }
      tokens.remove(seq);
      db.transition(seq, now, ItemState.RUNNING, ItemState.PENDING, Math.max(attempt - 1, 0),
          AttemptEnding.HANDED_BACK, null, detail);
      tallyEnd(seq, AttemptEnding.HANDED_BACK, ItemState.PENDING, now);
      db.forgetHandler(seq);
      return null;
    });
  }

  @Override
  public synchronized void deadWithoutRunning(long seq, String detail) {
    long now = clock.millis();
    db.inTransaction("give up item " + seq, () -> {
      int attempt = db.attemptsOf(seq);
      try (PreparedStatement up = db.connection().prepareStatement("UPDATE items SET state = 'dead',"
          + " attempts = " + db.dialect().greatest() + "(attempts - 1, 0), next_attempt_at = ?, last_finished_at = ?, last_exit_code = NULL,"
          + " last_error = ?, updated_at = ? WHERE seq = ? AND state = 'running'" + STILL_HELD)) {
        up.setLong(1, now);
        up.setLong(2, now);
        up.setString(3, detail);
        up.setLong(4, now);
        up.setLong(5, seq);
        setHeld(up, 6, tokens.get(seq));
        if (up.executeUpdate() != 1) {
          throw new ItemNotRunningException(seq);
        }
      }
      tokens.remove(seq);
      db.transition(seq, now, ItemState.RUNNING, ItemState.DEAD, Math.max(attempt - 1, 0),
          AttemptEnding.NOT_STARTED, null, detail);
      tallyEnd(seq, AttemptEnding.NOT_STARTED, ItemState.DEAD, now);
      db.forgetHandler(seq);
      return null;
    });
  }

  private void tallyEnd(long seq, AttemptEnding how, ItemState to, long at) throws SQLException {
    try (SqlAttemptTally tally = new SqlAttemptTally(db.connection())) {
      tally.attemptEnded(seq, how, to, at);
      tally.flush();
    }
  }

  @Override
  public synchronized void pause(SourcePause pause) {
    db.inTransaction("pause " + pause.source(), () -> {
      try (PreparedStatement up = db.connection().prepareStatement("INSERT INTO source_controls (source, drain, since,"
          + " asked_by) VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET drain = excluded.drain,"
          + " since = excluded.since, asked_by = excluded.asked_by")) {
        up.setString(1, pause.source());
        up.setInt(2, pause.drain() ? 1 : 0);
        up.setString(3, pause.since().toString());
        up.setString(4, pause.askedBy());
        up.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public synchronized boolean resume(String source) {
    return db.inTransaction("resume " + source, () -> {
      try (PreparedStatement del = db.connection().prepareStatement("DELETE FROM source_controls WHERE source = ?")) {
        del.setString(1, source);
        return del.executeUpdate() > 0;
      }
    });
  }

  @Override
  public synchronized java.util.Map<String, SourcePause> pauses() {
    return db.query("list paused sources", () -> db.pauses(db.dialect().currentSchema()));
  }

  @Override
  public synchronized Optional<ItemRecord> retryDead(String source, String id, String detail) {
    long now = clock.millis();
    return db.inTransaction("retry " + source + "/" + id, () -> {
      Long seq = null;
      try (PreparedStatement q = db.connection().prepareStatement("SELECT seq FROM items WHERE source = ?"
          + " AND item_id = ? AND state = 'dead' ORDER BY seq DESC LIMIT 1")) {
        q.setString(1, source);
        q.setString(2, id);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            seq = rs.getLong(1);
          }
        }
      }
      return seq == null ? Optional.<ItemRecord>empty() : Optional.of(retryOne(seq, now, detail));
    });
  }

  @Override
  public synchronized List<ItemRecord> retryDead(DeadSelection selection, String detail) {
    long now = clock.millis();
    return db.inTransaction("retry the dead items of " + selection.source(), () -> {
      List<ItemRecord> out = new ArrayList<>();
      for (ItemRecord dead : db.dead(selection, db.dialect().currentSchema())) {
        out.add(retryOne(dead.seq(), now, detail));
      }
      return out;
    });
  }

  /** A dead item back to pending, attempts and interruptions reset, first in line by its seq. */
  private ItemRecord retryOne(long seq, long now, String detail) throws SQLException {
    ItemRecord now0;
    try (PreparedStatement up = db.connection().prepareStatement("UPDATE items SET state = 'pending',"
        + " attempts = 0, interruptions = 0, cancel_asked_by = NULL, next_attempt_at = ?, updated_at = ?"
        + " WHERE seq = ? AND state = 'dead'"
        + " RETURNING " + LedgerSession.COLUMNS)) {
      up.setLong(1, now);
      up.setLong(2, now);
      up.setLong(3, seq);
      now0 = LedgerSession.collect(up).get(0);
    }
    db.transition(seq, now, ItemState.DEAD, ItemState.PENDING, 0, null, detail);
    return now0;
  }

  @Override
  public synchronized Optional<ItemRecord> cancelWaiting(String source, String id, String detail) {
    long now = clock.millis();
    return db.inTransaction("cancel " + source + "/" + id, () -> {
      Long seq = null;
      String from = null;
      int attempts = 0;
      try (PreparedStatement q = db.connection().prepareStatement("SELECT seq, state, attempts FROM items"
          + " WHERE source = ? AND item_id = ? AND state IN ('pending', 'failed') ORDER BY seq LIMIT 1")) {
        q.setString(1, source);
        q.setString(2, id);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            seq = rs.getLong(1);
            from = rs.getString(2);
            attempts = rs.getInt(3);
          }
        }
      }
      if (seq == null) {
        return Optional.<ItemRecord>empty();
      }
      ItemRecord after;
      try (PreparedStatement up = db.connection().prepareStatement("UPDATE items SET state = 'dead',"
          + " next_attempt_at = ?, last_finished_at = ?, last_error = ?, updated_at = ? WHERE seq = ?"
          + " RETURNING " + LedgerSession.COLUMNS)) {
        up.setLong(1, now);
        up.setLong(2, now);
        up.setString(3, detail);
        up.setLong(4, now);
        up.setLong(5, seq);
        after = LedgerSession.collect(up).get(0);
      }
      // No attempt ran: the totals of attempt endings and durations are not touched.
      db.transition(seq, now, ItemState.fromWire(from), ItemState.DEAD, attempts, AttemptEnding.CANCELLED, null, detail);
      return Optional.of(after);
    });
  }

  @Override
  public LedgerPruning pruning() {
    return pruning;
  }

  @Override
  public synchronized Optional<Instant> nextRetryAt(String source) {
    return db.query("next retry of " + source, () -> {
      try (PreparedStatement q = db.connection().prepareStatement(
          "SELECT MIN(next_attempt_at) FROM items WHERE source = ? AND state = 'failed'")) {
        q.setString(1, source);
        try (ResultSet rs = q.executeQuery()) {
          long v = rs.next() ? rs.getLong(1) : 0;
          return rs.wasNull() || v == 0 ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(v));
        }
      }
    });
  }

  @Override
  public synchronized void close() {
    db.close();
  }
}
