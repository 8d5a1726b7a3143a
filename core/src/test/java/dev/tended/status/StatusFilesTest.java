package dev.tended.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFilesTest {
  /** Names whose hash order is not their order here: a hashed copy would reorder them. */
  private static final List<String> CONFIG_ORDER =
      List.of("zeta", "ideas", "qa-issues", "alpha", "implementations", "m", "b2", "queue-9", "omega", "c");

  @TempDir Path dir;

  @Test
  void sourcesAreWrittenInTheConfigurationsOrder() throws Exception {
    Map<String, SourceStatus> sources = new LinkedHashMap<>();
    CONFIG_ORDER.forEach(name -> sources.put(name, idle()));
    Path file = dir.resolve("status.json");

    StatusFiles.write(file, status(sources, FastPath.ON));

    JsonNode written = StatusFiles.mapper().readTree(Files.readAllBytes(file)).get("sources");
    List<String> keys = new ArrayList<>();
    written.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyElementsOf(CONFIG_ORDER);
    assertThat(StatusFiles.read(file).sources().keySet()).containsExactlyElementsOf(CONFIG_ORDER);
  }

  @Test
  void theFastPathIsWrittenAndReadBackAndAnOlderFileWithoutItReadsAsNotReported() throws Exception {
    Path file = dir.resolve("status.json");
    StatusFiles.write(file, status(Map.of(), FastPath.off("inotify instance limit reached")));

    assertThat(Files.readString(file)).contains("\"fastPath\"");
    assertThat(StatusFiles.read(file).fastPath()).isEqualTo(FastPath.off("inotify instance limit reached"));

    Files.writeString(file, "{\"schema\":1,\"pid\":7,\"state\":\"running\",\"sequence\":3,\"sources\":{}}");
    assertThat(StatusFiles.read(file).fastPath()).isNull();
  }

  @Test
  void aRecordingFaultIsWrittenAndReadBackAndAnOlderFileWithoutItReadsAsNone() throws Exception {
    Path file = dir.resolve("status.json");
    RecordingFault fault = new RecordingFault(Instant.parse("2026-12-01T10:00:00Z"),
        "cannot record the outcome of i0: No space left on device");
    StatusFiles.write(file, status(Map.of("ideas", new SourceStatus(null, true, 0, 1, 0, 0, 0, fault.reason(),
        BreakerStatus.CLOSED, null, fault)), FastPath.ON));

    assertThat(StatusFiles.read(file).sources().get("ideas").recording()).isEqualTo(fault);

    Files.writeString(file, "{\"schema\":1,\"pid\":7,\"state\":\"running\",\"sequence\":3,"
        + "\"sources\":{\"ideas\":{\"lastPollOk\":true}}}");
    assertThat(StatusFiles.read(file).sources().get("ideas").recording()).isNull();
  }

  private static WorkerStatus status(Map<String, SourceStatus> sources, FastPath fastPath) {
    return new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test", Instant.EPOCH, Instant.EPOCH, 1, sources,
        fastPath);
  }

  private static SourceStatus idle() {
    return new SourceStatus(null, true, 0, 0, 0, 0, 0, null, BreakerStatus.CLOSED, null);
  }
}
