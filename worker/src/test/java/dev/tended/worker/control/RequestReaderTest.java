package dev.tended.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.control.ControlAction;
import dev.tended.control.ControlRequest;
import dev.tended.status.StatusFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestReaderTest {
  private static final String ID = "1764680000000-0123456789ab";
  @TempDir Path dir;
  private final RequestReader reader = new RequestReader();

  private Path file(String name) {
    return dir.resolve(name);
  }

  private byte[] request(String id) throws Exception {
    return StatusFiles.mapper().writeValueAsBytes(new ControlRequest(id, ControlAction.CANCEL, "ideas", "x1", false,
        null, null, "user=alice uid=1000", Instant.parse("2026-12-02T10:00:00Z")));
  }

  @Test
  void aWellFormedRequestIsReadWithTheOwnerOfItsFile() throws Exception {
    Path f = Files.write(file(ID + ".json"), request(ID));
    RequestRead read = reader.read(f);
    assertThat(read).isInstanceOf(RequestRead.Valid.class);
    RequestRead.Valid valid = (RequestRead.Valid) read;
    assertThat(valid.request().itemId()).isEqualTo("x1");
    assertThat(valid.fileOwner()).isEqualTo(Files.getOwner(f).getName());
  }

  @Test
  void aSymbolicLinkIsRejectedEvenToAValidRequest() throws Exception {
    Path target = Files.write(file("elsewhere.json"), request(ID));
    Path link = Files.createSymbolicLink(file(ID + ".json"), target);
    assertThat(reason(link)).startsWith("a symbolic link");
  }

  @Test
  void aFileOverTheBoundIsRejected() throws Exception {
    Path f = Files.write(file(ID + ".json"), new byte[RequestReader.MAX_BYTES + 1]);
    assertThat(reason(f)).isEqualTo("larger than 65536 bytes");
  }

  @Test
  void aNameThatIsNotARequestIdIsRejected() throws Exception {
    assertThat(reason(Files.write(file("please-cancel.json"), request(ID)))).startsWith("the name is not");
  }

  @Test
  void jsonThatIsNotARequestIsRejectedWithTheParsersReason() throws Exception {
    assertThat(reason(Files.writeString(file(ID + ".json"), "{\"action\": \"explode\"}")))
        .startsWith("not a request: ").contains("explode");
  }

  @Test
  void aRequestWhoseIdIsNotItsFileNameIsRejected() throws Exception {
    Path f = Files.write(file(ID + ".json"), request("1764680000000-ffffffffffff"));
    assertThat(reason(f)).contains("is not its file's name");
  }

  @Test
  void dotFilesAreWritesInProgressNotCandidates() {
    assertThat(RequestReader.isCandidate(".x.json.tmp-1")).isFalse();
    assertThat(RequestReader.isCandidate(ID + ".json")).isTrue();
  }

  private String reason(Path f) {
    RequestRead read = reader.read(f);
    assertThat(read).isInstanceOf(RequestRead.Invalid.class);
    return ((RequestRead.Invalid) read).reason();
  }
}
