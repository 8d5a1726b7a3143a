package dev.tended.bench.jmh;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.queue.QueueSource;
import dev.tended.worker.source.QueueSources;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Run in a JVM of its own with the flags under test: how far the heap grows during one poll of a
 * changed 100 000-item queue file. Prints one line, {@code heap_probe peak_growth_mib= retained_mib=
 * poll_ms=}: the sum of the heap pools' peak use during the poll minus their use before it (an upper
 * bound: pools peak at different moments), and what is still held after a full collection.
 */
public final class HeapGrowthProbe {
  private HeapGrowthProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("tended-bench-heap-");
    try {
      TendedConfig config = Fixtures.oneQueue(dir);
      Path file = config.sources().get(0).path();
      try (ItemLedger ledger = SqliteLedgerStore.at(config.ledgerFile()).openItemLedger(Clock.systemUTC())) {
        var poller = Fixtures.poller(config, ledger);
        for (int v = 0; v < 3; v++) { // the first reads record everything and warm the code up
          ChangedQueue.writeVersion(file, v);
          Fixtures.pollOk(poller);
        }
        ChangedQueue.writeVersion(file, 3);
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        Fixtures.pollOk(poller);
        long tookNanos = System.nanoTime() - t0;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.gc();
        long after = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        System.out.printf("heap_probe peak_growth_mib=%.1f retained_mib=%.1f poll_ms=%.0f%n",
            (peak - before) / 1048576.0, (after - before) / 1048576.0, tookNanos / 1e6);
      }
    } finally {
      Fixtures.delete(dir);
    }
  }
}
