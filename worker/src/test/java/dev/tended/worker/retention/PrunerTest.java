package dev.tended.worker.retention;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tended.config.RetentionConfig;
import dev.tended.ledger.IdentityRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerException;
import dev.tended.ledger.LedgerPruning;
import dev.tended.ledger.PruneCursor;
import dev.tended.ledger.PrunedItem;
import dev.tended.retention.RetentionRun;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The worker's pruning thread: one summary per run that removed something, a failed run logged, never fatal. */
class PrunerTest {
  @TempDir Path data;
  private final Logger log = (Logger) LoggerFactory.getLogger(Pruner.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  private Level before;

  @BeforeEach
  void capture() {
    before = log.getLevel();
    log.setLevel(Level.INFO);
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void release() {
    log.detachAppender(logged);
    log.setLevel(before);
  }

  private Pruner pruner(LedgerPruning ledger) {
    return new Pruner(RetentionConfig.DEFAULT, ledger, RetentionRun.of(RetentionConfig.DEFAULT,
        data, data.resolve("results"), data.resolve("work"), Clock.systemUTC()), "ledger.db");
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aRunThatPrunedSomethingLogsOneSummaryAndAnEmptyRunLogsNothing() {
    FakePruning ledger = new FakePruning();
    ledger.batches.add(List.of(new PrunedItem(1, "ideas", "a", "h", ItemState.SUCCEEDED, Instant.EPOCH),
        new PrunedItem(2, "ideas", "b", "h", ItemState.DEAD, Instant.EPOCH)));
    Pruner p = pruner(ledger);
    p.runOnce();
    p.runOnce();
    assertThat(messages()).singleElement().satisfies(m -> assertThat(m).startsWith("retention_pruned succeeded=1 dead=1"));
  }

  @Test
  void aFailedRunIsLoggedAndTheNextRunGoesOn() {
    FakePruning ledger = new FakePruning();
    ledger.failNext = true;
    Pruner p = pruner(ledger);
    p.runOnce();
    ledger.batches.add(List.of(new PrunedItem(1, "ideas", "a", "h", ItemState.SUCCEEDED, Instant.EPOCH)));
    p.runOnce();
    assertThat(messages()).hasSize(2);
    assertThat(messages().get(0)).startsWith("retention_run_failed");
    assertThat(messages().get(1)).startsWith("retention_pruned succeeded=1");
  }

  @Test
  void aLedgerThatCannotGiveSpaceBackIsReportedOnce() {
    FakePruning ledger = new FakePruning();
    ledger.givesBack = false;
    Pruner p = pruner(ledger);
    for (int i = 0; i < 3; i++) {
      ledger.batches.add(List.of(new PrunedItem(i, "ideas", "a" + i, "h", ItemState.SUCCEEDED, Instant.EPOCH)));
      p.runOnce();
    }
    assertThat(messages().stream().filter(m -> m.startsWith("retention_ledger_keeps_space"))).hasSize(1);
  }

  /** A ledger that hands out the batches a test queued, and can fail once. */
  private static final class FakePruning implements LedgerPruning {
    final List<List<PrunedItem>> batches = new ArrayList<>();
    boolean failNext;
    boolean givesBack = true;

    @Override
    public List<PrunedItem> pruneFinished(Instant succeededBefore, Instant deadBefore, int limit) {
      if (failNext) {
        failNext = false;
        throw new LedgerException("prune finished items", new SQLException("disk I/O error"));
      }
      return batches.isEmpty() ? List.of() : batches.remove(0);
    }

    @Override
    public List<IdentityRecord> identitiesPrunedAfter(PruneCursor after, int limit) {
      return List.of();
    }

    @Override
    public int forgetIdentities(Instant finishedBefore, int limit) {
      return 0;
    }

    @Override
    public long giveBackSpace(int maxPages) {
      return 0;
    }

    @Override
    public boolean givesSpaceBack() {
      return givesBack;
    }

    @Override
    public long convertToGiveSpaceBack() {
      return 0;
    }
  }
}
