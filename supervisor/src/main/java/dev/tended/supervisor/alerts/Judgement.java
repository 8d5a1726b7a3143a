package dev.tended.supervisor.alerts;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One evaluation: which alerts could be judged (their inputs were readable) and which conditions
 * hold. An alert that could not be judged keeps its state: an unreadable file resolves nothing.
 */
record Judgement(Set<Alert> judged, List<Condition> holding) {
  Judgement {
    judged = judged.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(judged));
    holding = List.copyOf(holding);
  }
}
