package dev.tended.bench;

import dev.tended.testkit.Machine;
import java.util.ArrayList;
import java.util.List;

/**
 * The one table the benchmark prints: the machine, the JVM, the date and the load average, then one
 * row per {@link Figure}, in Markdown so that it can go into the README as it is.
 */
public final class Report {
  private final Machine machine;
  private final List<Figure> figures = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public Report(Machine machine) {
    this.machine = machine;
  }

  public synchronized void add(Figure f) {
    figures.add(f);
  }

  public synchronized void addAll(List<Figure> fs) {
    figures.addAll(fs);
  }

  /** A line printed under the table. */
  public synchronized void note(String line) {
    notes.add(line);
  }

  /** The table as Markdown. */
  public synchronized String render(String loadAtEnd, String profile, long tookSeconds) {
    StringBuilder b = new StringBuilder();
    b.append(machine.markdownRows());
    b.append("| load average (1/5/15 min) | start ").append(machine.load()).append(", end ").append(loadAtEnd)
        .append(" |\n");
    b.append("| run | profile ").append(profile).append(", ").append(tookSeconds).append(" s |\n\n");
    b.append("| figure | how | value | goal | verdict | note |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (Figure f : figures) {
      b.append("| ").append(cell(f.name())).append(" | ").append(cell(f.how())).append(" | ").append(cell(f.value()))
          .append(" | ").append(cell(f.goal())).append(" | ").append(f.verdict().label()).append(" | ")
          .append(cell(f.note())).append(" |\n");
    }
    if (!notes.isEmpty()) {
      b.append('\n');
      notes.forEach(n -> b.append("- ").append(n).append('\n'));
    }
    return b.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
