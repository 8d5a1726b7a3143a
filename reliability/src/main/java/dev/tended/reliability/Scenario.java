package dev.tended.reliability;

import java.util.List;

/** One kind of fault: injects it against the real jars and returns the table rows it proves. */
interface Scenario {
  /** Short name for {@code --only}. */
  String name();

  List<Outcome> run(Suite suite) throws Exception;
}
