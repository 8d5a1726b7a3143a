package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Quartz's own script, as the worker runs it: its creates only, never its drops. */
class QuartzTablesTest {
  @Test
  void theScriptQuartzShipsIsRunWithoutItsDropsAndCreatesEveryTable() throws Exception {
    var statements = QuartzTables.statements();
    assertThat(statements).noneMatch(s -> s.toUpperCase(Locale.ROOT).contains("DROP"));
    assertThat(statements).allMatch(s -> s.startsWith("CREATE TABLE ") || s.startsWith("CREATE INDEX "));
    for (String table : QuartzTables.TABLES) {
      assertThat(statements).as(table).anyMatch(s -> s.toLowerCase(Locale.ROOT).startsWith("create table " + table));
    }
  }
}
