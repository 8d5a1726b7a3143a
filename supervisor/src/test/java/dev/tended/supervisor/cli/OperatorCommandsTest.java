package dev.tended.supervisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tended.config.ConfigLoader;
import dev.tended.control.ControlAction;
import dev.tended.control.ControlAnswer;
import dev.tended.control.ControlFolder;
import dev.tended.control.ControlRequest;
import dev.tended.ledger.AttemptEnding;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.status.StatusFiles;
import dev.tended.testkit.TestConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operators' commands in-process against a fake worker (a thread that answers the first request it
 * finds): what request each leaves, and how the answer, or none, becomes the exit code.
 */
class OperatorCommandsTest {
  @TempDir Path dir;
  private TestConfig config;
  private ControlFolder folder;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void aConfigurationWithTwoSourcesAndTheRequestFolder() throws IOException {
    config = new TestConfig(dir);
    Path handler = config.script("h.sh", "exit 0");
    config.source(TestConfig.jsonQueue("ideas", "ideas_log.json", handler, ""))
        .source(TestConfig.jsonQueue("mail", "mail_log.json", handler, "")).write();
    folder = new ControlFolder(config.dataDir().resolve("control"));
    Files.createDirectories(folder.requests());
    Files.createDirectories(folder.answers());
  }

  private int tended(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = args[0];
    all[1] = "--config=" + config.file();
    System.arraycopy(args, 1, all, 2, args.length - 1);
    return new CommandLine(new Cli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(all);
  }

  /** A fake worker: takes the first request that appears and answers it with {@code outcome} and {@code message}. */
  private CompletableFuture<ControlRequest> answering(ControlAnswer.Outcome outcome, String message) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
          List<Path> found = requests();
          if (!found.isEmpty()) {
            ControlRequest r = StatusFiles.mapper().readValue(found.get(0).toFile(), ControlRequest.class);
            // Written aside and renamed in, as the worker does: the command never reads half an answer.
            Path temp = Files.write(folder.answers().resolve(".answer.tmp"), StatusFiles.mapper().writeValueAsBytes(
                new ControlAnswer(r.requestId(), outcome, message, List.of(), Instant.now())));
            Files.move(temp, folder.answerFile(r.requestId()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.delete(found.get(0));
            return r;
          }
          TimeUnit.MILLISECONDS.sleep(10); // the fake worker's look at its folder, not a wait in the test
        }
        throw new IllegalStateException("no request came");
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private List<Path> requests() throws IOException {
    try (Stream<Path> s = Files.list(folder.requests())) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
  }

  @Test
  void pauseLeavesAPauseWithDrainAndTheUserAndExitsZeroWithTheWorkersMessage() throws Exception {
    CompletableFuture<ControlRequest> worker = answering(ControlAnswer.Outcome.DONE, "ideas is paused");
    assertThat(tended("pause", "ideas", "--drain")).as(err.toString()).isZero();
    ControlRequest r = worker.get(20, TimeUnit.SECONDS);
    assertThat(r.action()).isEqualTo(ControlAction.PAUSE);
    assertThat(r.source()).isEqualTo("ideas");
    assertThat(r.drain()).isTrue();
    assertThat(r.askedBy()).startsWith("user=" + System.getProperty("user.name"));
    assertThat(out.toString()).contains("pause: ideas is paused");
  }

  @Test
  void aRefusedAnswerExitsOneWithTheWorkersReason() throws Exception {
    CompletableFuture<ControlRequest> worker = answering(ControlAnswer.Outcome.REFUSED, "ideas/x is not dead (it is pending)");
    assertThat(tended("retry", "ideas", "x")).isEqualTo(1);
    assertThat(worker.get(20, TimeUnit.SECONDS).action()).isEqualTo(ControlAction.RETRY);
    assertThat(err.toString()).contains("retry: refused: ideas/x is not dead (it is pending)");
  }

  @Test
  void noAnswerWithinTheWaitExits75AndTheRequestStaysForTheWorker() throws Exception {
    assertThat(tended("cancel", "ideas", "x", "--wait", "200ms")).as(err.toString()).isEqualTo(75);
    List<Path> left = requests();
    assertThat(left).hasSize(1);
    ControlRequest r = StatusFiles.mapper().readValue(left.get(0).toFile(), ControlRequest.class);
    assertThat(r.action()).isEqualTo(ControlAction.CANCEL);
    assertThat(r.itemId()).isEqualTo("x");
    assertThat(out.toString()).contains(r.requestId()).contains("takes effect when the worker runs");
  }

  @Test
  void retryAllDeadLeavesTheSelectionSinceAndExitCode() throws Exception {
    CompletableFuture<ControlRequest> worker = answering(ControlAnswer.Outcome.DONE, "2 dead item(s) of mail pending again");
    Instant before = Instant.now();
    assertThat(tended("retry", "mail", "--all-dead", "--since", "1h", "--exit-code", "3")).as(err.toString()).isZero();
    ControlRequest r = worker.get(20, TimeUnit.SECONDS);
    assertThat(r.action()).isEqualTo(ControlAction.RETRY_DEAD);
    assertThat(r.source()).isEqualTo("mail");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.deadSince()).isBetween(before.minus(Duration.ofHours(1)), Instant.now().minus(Duration.ofHours(1)));
    assertThat(out.toString()).contains("2 dead item(s) of mail pending again");
  }

  @Test
  void anUnknownSourceExitsOneNamingTheSourcesAndLeavesNothing() throws Exception {
    assertThat(tended("pause", "nope")).isEqualTo(1);
    assertThat(err.toString()).contains("no source \"nope\"").contains("(sources: ideas, mail)");
    assertThat(requests()).isEmpty();
  }

  @Test
  void anIdWithAllDeadAndSelectionsWithoutItAreUsageErrors() throws Exception {
    assertThat(tended("retry", "ideas", "x", "--all-dead")).isEqualTo(1);
    assertThat(err.toString()).contains("not both");
    assertThat(tended("retry", "ideas")).isEqualTo(1);
    assertThat(tended("retry", "ideas", "x", "--since", "1h")).isEqualTo(1);
    assertThat(err.toString()).contains("--since, --exit-code, --dry-run and --json go with --all-dead");
    assertThat(tended("retry", "ideas", "--all-dead", "--since", "soon")).isEqualTo(1);
    assertThat(err.toString()).contains("--since soon is not a duration");
    assertThat(requests()).isEmpty();
  }

  @Test
  void aDryRunListsExactlyTheSelectedDeadItemsOfTheSourceAndLeavesNoRequest() throws Exception {
    try (ItemLedger ledger = SqliteLedgerStore.at(ConfigLoader.load(config.file()).ledgerFile())
        .openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("ideas", List.of(new NewItem("d3", "a3", "{}"), new NewItem("d4", "a4", "{}"),
          new NewItem("waits", "a5", "{}")));
      ledger.recordSeen("mail", List.of(new NewItem("m3", "b3", "{}")));
      for (int exit : new int[] {3, 4}) {
        ledger.finish(ledger.claimDue("ideas", 1).get(0).seq(), ItemState.DEAD, AttemptEnding.EXITED, exit,
            "exit " + exit, null);
      }
      ledger.finish(ledger.claimDue("mail", 1).get(0).seq(), ItemState.DEAD, AttemptEnding.EXITED, 3, "exit 3", null);
    }

    assertThat(tended("retry", "ideas", "--all-dead", "--dry-run", "--json")).as(err.toString()).isZero();
    JsonNode listed = StatusFiles.mapper().readTree(out.toString());
    assertThat(listed.findValuesAsText("id")).containsExactly("d3", "d4");
    assertThat(listed.findValuesAsText("source")).containsOnly("ideas");
    assertThat(listed.findValues("lastExitCode")).extracting(JsonNode::asInt).containsExactly(3, 4);

    out.getBuffer().setLength(0);
    assertThat(tended("retry", "ideas", "--all-dead", "--exit-code", "3", "--dry-run")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("1 dead item(s) of ideas would be pending again").contains("  d3  seq=")
        .contains("last exit 3").doesNotContain("d4").doesNotContain("m3").doesNotContain("waits");
    assertThat(requests()).as("a dry run asks nothing").isEmpty();
  }

  @Test
  void aBadConfigurationExits78() throws Exception {
    Files.writeString(config.file(), "sources: nope\n");
    assertThat(tended("resume", "ideas")).isEqualTo(78);
    assertThat(requests()).isEmpty();
  }
}
