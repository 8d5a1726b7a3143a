package dev.tended.reliability;

import dev.tended.testkit.Machine;
import java.util.List;

/** Renders the outcomes as one Markdown table under the machine, the JVM and the date. */
final class Table {
  private Table() {}

  static String render(Machine machine, String profile, long tookSeconds, List<Outcome> rows) {
    StringBuilder b = new StringBuilder();
    b.append(machine.markdownRows());
    b.append("| run | profile ").append(profile).append(", ").append(tookSeconds).append(" s, load at start ")
        .append(machine.load()).append(" |\n\n");
    b.append("| fault | injected | produced | succeeded | lost | run again after finishing | max recovery | verdict | note |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (Outcome o : rows) {
      b.append("| ").append(cell(o.fault())).append(" | ").append(o.injected()).append(" | ").append(o.produced())
          .append(" | ").append(o.succeeded()).append(" | ").append(o.lost()).append(" | ")
          .append(o.rerunAfterFinish()).append(" | ")
          .append(o.maxRecoveryMs() < 0 ? "-" : String.format("%,d ms", o.maxRecoveryMs()).replace(',', ' '))
          .append(" | ").append(o.passed()).append(" | ").append(cell(o.note())).append(" |\n");
    }
    return b.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
