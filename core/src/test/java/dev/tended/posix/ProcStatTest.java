package dev.tended.posix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The stat line parser, on lines as the kernel writes them, including the command names that trip parsers up. */
class ProcStatTest {
  private static String line(long pid, String comm, char state) {
    return pid + " (" + comm + ") " + state
        + " 8837 8800 15904 0 -1 4194304 100 0 0 0 41 7 0 0 20 0 1 0 159508 3133440 393 18446744073709551615 0 0 0\n";
  }

  @Test
  void fieldsAreReadAtTheirPlacesInProc5() {
    ProcStat s = ProcStat.parse(line(8847, "cat", 'R')).orElseThrow();
    assertThat(s).isEqualTo(new ProcStat(8847, "cat", 'R', 8837, 8800, 41, 7, 159508, 393));
  }

  @Test
  void commandNameWithSpacesAndParenthesesIsKeptWholeAndDoesNotShiftTheFields() {
    ProcStat s = ProcStat.parse(line(42, "(a) b)", 'S')).orElseThrow();
    assertThat(s.comm()).isEqualTo("(a) b)");
    assertThat(s.state()).isEqualTo('S');
    assertThat(s.ppid()).isEqualTo(8837);
    assertThat(s.pgrp()).isEqualTo(8800);
    assertThat(s.startTicks()).isEqualTo(159508);
  }

  @Test
  void commandNameThatLooksLikeTheRestOfTheLineDoesNotFoolTheParser() {
    ProcStat s = ProcStat.parse(line(43, "x) Z 1 1 1", 'T')).orElseThrow();
    assertThat(s.comm()).isEqualTo("x) Z 1 1 1");
    assertThat(s.state()).isEqualTo('T');
    assertThat(s.stopped()).isTrue();
    assertThat(s.running()).isTrue();
  }

  @Test
  void residentMemoryIsTheRssFieldInPages() {
    ProcStat s = ProcStat.parse(line(8847, "cat", 'R')).orElseThrow();
    assertThat(s.rssPages()).isEqualTo(393);
    assertThat(s.residentBytes()).isEqualTo(393 * ProcFs.pageSize());
  }

  @Test
  void zombiesAndDeadProcessesHaveEnded() {
    assertThat(ProcStat.parse(line(1, "sh", 'Z')).orElseThrow().running()).isFalse();
    assertThat(ProcStat.parse(line(1, "sh", 'X')).orElseThrow().running()).isFalse();
    assertThat(ProcStat.parse(line(1, "sh", 'D')).orElseThrow().running()).isTrue();
  }

  @Test
  void aReusedPidIsNotTheSameProcess() {
    ProcStat before = ProcStat.parse(line(7, "sh", 'S')).orElseThrow();
    ProcStat after = ProcStat.parse(line(7, "sh", 'S').replace(" 159508 ", " 159999 ")).orElseThrow();
    assertThat(before.sameProcess(before)).isTrue();
    assertThat(before.sameProcess(after)).isFalse();
  }

  @Test
  void truncatedOrForeignLinesAreNotStatLines() {
    assertThat(ProcStat.parse("")).isEmpty();
    assertThat(ProcStat.parse("12 (sh) S 1 2 3")).isEmpty();
    assertThat(ProcStat.parse("12 sh S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20")).isEmpty();
    assertThat(ProcStat.parse("x (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20")).isEmpty();
    assertThat(ProcStat.parse("12 (sh)")).isEmpty();
  }
}
