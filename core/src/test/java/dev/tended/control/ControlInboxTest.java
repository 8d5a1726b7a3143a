package dev.tended.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tended.status.StatusFiles;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlInboxTest {
  @TempDir Path dir;

  private ControlRequest pause(Instant at) {
    return new ControlRequest(ControlInbox.newRequestId(at), ControlAction.PAUSE, "ideas", null, true, null, null,
        "user=test uid=1", at);
  }

  @Test
  void aSubmittedRequestIsAGroupReadableFileThatReadsBackTheSame() throws Exception {
    ControlFolder folder = new ControlFolder(dir);
    Files.createDirectories(folder.requests());
    ControlRequest request = pause(Instant.parse("2026-12-02T10:00:00Z"));

    new ControlInbox(folder).submit(request);

    Path file = folder.requestFile(request.requestId());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    assertThat(StatusFiles.mapper().readValue(file.toFile(), ControlRequest.class)).isEqualTo(request);
    assertThat(Files.readString(file)).contains("\"action\" : \"pause\"");
  }

  @Test
  void requestIdsSortBySubmissionTime() {
    String earlier = ControlInbox.newRequestId(Instant.ofEpochMilli(999));
    String later = ControlInbox.newRequestId(Instant.ofEpochMilli(1000));
    assertThat(earlier).matches(ControlInbox.REQUEST_ID).isLessThan(later);
  }

  @Test
  void withoutTheRequestFolderSubmitSaysSo() {
    ControlInbox inbox = new ControlInbox(new ControlFolder(dir.resolve("absent")));
    assertThatThrownBy(() -> inbox.submit(pause(Instant.now()))).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("requests");
  }

  @Test
  void awaitAnswerReturnsTheAnswerOnceTheWorkerWritesIt() throws Exception {
    ControlFolder folder = new ControlFolder(dir);
    Files.createDirectories(folder.answers());
    ControlInbox inbox = new ControlInbox(folder);
    ControlAnswer answer = new ControlAnswer("0000000000001-00000000000a", ControlAnswer.Outcome.DONE, "paused",
        List.of(), Instant.parse("2026-12-02T10:00:01Z"));

    CompletableFuture<java.util.Optional<ControlAnswer>> waiting =
        CompletableFuture.supplyAsync(() -> {
          try {
            return inbox.awaitAnswer(answer.requestId(), Duration.ofSeconds(30));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    Files.write(folder.answerFile(answer.requestId()), StatusFiles.mapper().writeValueAsBytes(answer));

    assertThat(waiting.get()).contains(answer);
  }

  @Test
  void awaitAnswerGivesUpEmptyAfterItsWait() throws Exception {
    ControlFolder folder = new ControlFolder(dir);
    Files.createDirectories(folder.answers());
    assertThat(new ControlInbox(folder).awaitAnswer("0000000000001-00000000000b", Duration.ofMillis(300))).isEmpty();
  }
}
