package dev.tended.worker.source;

import dev.tended.queue.ItemSink;
import dev.tended.queue.QueueItem;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Keeps every batch it is given, in order, for assertions. */
final class RecordingSink implements ItemSink {
  final List<List<QueueItem>> batches = new ArrayList<>();

  @Override
  public void accept(List<QueueItem> batch) {
    batches.add(batch);
  }

  List<QueueItem> items() {
    return batches.stream().flatMap(List::stream).collect(Collectors.toList());
  }

  List<String> ids() {
    return items().stream().map(QueueItem::id).collect(Collectors.toList());
  }

  void clear() {
    batches.clear();
  }
}
