package dev.tended.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tended.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and atomically writes {@link WorkerStatus} files; the one JSON shape both processes share. */
public final class StatusFiles {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .serializationInclusion(JsonInclude.Include.ALWAYS)
      .build();

  private StatusFiles() {}

  /** A mapper configured for tended's JSON files (ISO-8601 instants, unknown fields tolerated). */
  public static ObjectMapper mapper() {
    return JSON;
  }

  /** Reads {@code file}; throws when it is missing or does not parse. */
  public static WorkerStatus read(Path file) throws IOException {
    return JSON.readValue(Files.readAllBytes(file), WorkerStatus.class);
  }

  /** Replaces {@code file} atomically with {@code status}. */
  public static void write(Path file, WorkerStatus status) throws IOException {
    AtomicFiles.write(file, JSON.writeValueAsBytes(status));
  }
}
