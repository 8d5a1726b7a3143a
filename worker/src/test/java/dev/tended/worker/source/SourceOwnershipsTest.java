package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.LedgerStores;
import dev.tended.testkit.TestConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** On a shared ledger, a staleAfter too short for Quartz's failover is said at the start; nothing is connected. */
class SourceOwnershipsTest {
  private final Logger log = (Logger) LoggerFactory.getLogger(SourceOwnerships.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  @TempDir Path dir;

  @BeforeEach
  void listen() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    log.detachAppender(logged);
  }

  private TendedConfig sharedWithStaleAfter(String staleAfter) throws Exception {
    TestConfig c = new TestConfig(dir).supervisor("{ staleAfter: " + staleAfter + ", startupGrace: 20s, stopGrace: 4s }")
        .extra("ledger: { url: \"jdbc:postgresql://127.0.0.1:1/none\", node: n1 }\n");
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("ok.sh", "exit 0"), "")).write();
    return ConfigLoader.load(c.file());
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aStaleAfterUnderTenAndAHalfSecondsIsLoggedWithTheFailoverItKeeps() throws Exception {
    TendedConfig config = sharedWithStaleAfter("5s");
    assertThat(SourceOwnerships.of(config, LedgerStores.of(config))).isInstanceOf(ClusteredOwnership.class);
    assertThat(messages()).singleElement().satisfies(m -> assertThat(m)
        .startsWith("cluster_failover_beyond_stale_after stale_after_ms=5000 failover_ms=10500 ")
        .contains("set supervisor.staleAfter to at least 10500ms"));
  }

  @Test
  void aStaleAfterThatKeepsTheBoundIsNotLogged() throws Exception {
    TendedConfig config = sharedWithStaleAfter("12s");
    SourceOwnerships.of(config, LedgerStores.of(config));
    assertThat(messages()).isEmpty();
  }
}
