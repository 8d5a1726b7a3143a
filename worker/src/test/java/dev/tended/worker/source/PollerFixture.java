package dev.tended.worker.source;

import dev.tended.config.ConfigLoader;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.testkit.TestConfig;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.nio.file.Path;
import java.time.Clock;

/** One json-queue source {@code ideas} in {@code dir} with a real queue source, ledger and poller. */
final class PollerFixture implements AutoCloseable {
  final Path file;
  final ItemLedger ledger;
  final LedgerView view;
  final SourcePoller poller;

  PollerFixture(Path dir) throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("h.sh", "exit 0"), "")).write();
    TendedConfig config = ConfigLoader.load(c.file());
    SourceConfig source = config.sources().get(0);
    file = source.path();
    ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC());
    view = SqliteLedgerStore.at(config.ledgerFile()).openView();
    ProgressBoard progress = new ProgressBoard(System::nanoTime);
    poller = new SourcePoller(source, QueueSources.create(source, config.quarantineDir(), Clock.systemUTC()), ledger,
        progress, () -> { }, Clock.systemUTC());
    progress.register(poller.part(), source.pollInterval());
  }

  @Override
  public void close() {
    view.close();
    ledger.close();
  }
}
