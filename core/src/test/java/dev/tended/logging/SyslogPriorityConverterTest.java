package dev.tended.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/** The journal's line: the sd-daemon priority prefix journald reads, and no timestamp of our own. */
class SyslogPriorityConverterTest {
  private final LoggerContext ctx = new LoggerContext();
  private final PatternLayout journal = layout(LogSetup.journalPattern("worker"));

  @Test
  void errorIsThreeWarnIsFourInfoIsSixDebugIsSeven() {
    assertThat(journal.doLayout(event(Level.ERROR, "item_dead source=ideas id=7"))).isEqualTo("<3>item_dead source=ideas id=7 [worker:poll-ideas]\n");
    assertThat(journal.doLayout(event(Level.WARN, "watchdog_withheld"))).isEqualTo("<4>watchdog_withheld [worker:poll-ideas]\n");
    assertThat(journal.doLayout(event(Level.INFO, "item_succeeded source=ideas id=8"))).isEqualTo("<6>item_succeeded source=ideas id=8 [worker:poll-ideas]\n");
    assertThat(journal.doLayout(event(Level.DEBUG, "poll_done"))).isEqualTo("<7>poll_done [worker:poll-ideas]\n");
  }

  @Test
  void theJournalLineCarriesNoTimestampWhileTheFileLineDoes() {
    String line = journal.doLayout(event(Level.INFO, "worker_started pid=42"));
    assertThat(line).startsWith("<6>worker_started").doesNotContainPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d");
    assertThat(layout(LogSetup.filePattern("worker")).doLayout(event(Level.INFO, "worker_started pid=42")))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[worker:poll-ideas] worker_started pid=42\\n");
  }

  private PatternLayout layout(String pattern) {
    LogSetup.registerConverters(ctx);
    PatternLayout l = new PatternLayout();
    l.setContext(ctx);
    l.setPattern(pattern);
    l.start();
    return l;
  }

  private LoggingEvent event(Level level, String message) {
    Logger logger = ctx.getLogger("test");
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, level, message, null, null);
    e.setThreadName("poll-ideas");
    return e;
  }
}
