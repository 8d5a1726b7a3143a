package dev.tended.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @BeforeEach
  void theHandlerTheFilesNameExists() throws IOException {
    Path handler = Files.createDirectories(dir.resolve("handlers")).resolve("idea.sh");
    Files.writeString(handler, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(handler, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("tended.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String TWO_SOURCES = """
      dataDir: ./var
      heartbeat: { file: status.json, interval: 1s }
      sources:
        - name: ideas
          type: json-queue
          path: ideas_log.json
          pollInterval: 500ms
          handler: { command: ["handlers/idea.sh", "--fast"], timeout: 10m }
          retry: { maxAttempts: 3, initialBackoff: 1s, maxBackoff: 5m }
        - name: implementations
          type: directory
          path: implementations
          pollInterval: %s
          concurrency: 2
          handler: { command: ["/bin/true"] }
      supervisor: { staleAfter: 3s }
      """;

  @Test
  void validFileBecomesRecordsWithPathsResolvedAndDefaultsApplied() throws Exception {
    TendedConfig c = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")));
    assertThat(c.dataDir()).isEqualTo(dir.resolve("var"));
    assertThat(c.heartbeat().file()).isEqualTo(dir.resolve("var/status.json"));
    assertThat(c.sources()).hasSize(2);
    SourceConfig ideas = c.sources().get(0);
    assertThat(ideas.type()).isEqualTo(SourceType.JSON_QUEUE);
    assertThat(ideas.path()).isEqualTo(dir.resolve("var/ideas_log.json"));
    assertThat(ideas.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(ideas.handler().command()).containsExactly(dir.resolve("handlers/idea.sh").toString(), "--fast");
    assertThat(ideas.retry().maxAttempts()).isEqualTo(3);
    assertThat(ideas.breaker()).isEqualTo(new BreakerConfig(5, Duration.ofSeconds(60)));
    assertThat(c.sources().get(1).concurrency()).isEqualTo(2);
    assertThat(c.supervisor().staleAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.supervisor().stopGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.supervisor().restartWith()).isEqualTo(RestartMode.CHILD);
    assertThat(c.logging().dir()).isEqualTo(dir.resolve("var/logs"));
  }

  @Test
  void retentionIsOnByDefaultWithConservativeValuesAndIsValidatedWithItsPath() throws Exception {
    assertThat(ConfigLoader.load(write(TWO_SOURCES.formatted("3s"))).retention()).isEqualTo(new RetentionConfig(
        Duration.ofDays(30), Duration.ofDays(90), Duration.ZERO, 20, Duration.ofMinutes(10)));
    assertThat(ConfigLoader.load(write(TWO_SOURCES.formatted("3s") + "retention: { quarantineKept: 3, finishedFor: 2s,"
        + " deadFor: 1h, identityFor: 400d, pruneEvery: 1s }\n")).retention()).isEqualTo(new RetentionConfig(
            Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofDays(400), 3, Duration.ofSeconds(1)));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(
        write(TWO_SOURCES.formatted("3s") + "retention: { quarantineKept: 0, finishedFor: 30d, identityFor: 1d,"
            + " keepFor: 1d }\n")));

    assertThat(e.problems()).hasSize(3);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("retention.quarantineKept: "));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("retention.identityFor: must be 0s"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("retention.keepFor: unknown key"));
  }

  @Test
  void metricsAndAlertsAreOffByDefaultAndReadWithTheirPaths() throws Exception {
    TendedConfig plain = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")));
    assertThat(plain.metrics().textfile()).isNull();
    assertThat(plain.alerts()).isEqualTo(AlertsConfig.DEFAULT);
    assertThat(plain.sources().get(0).handler().warnAfter()).isZero();

    TendedConfig given = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")
        + "metrics: { textfile: node/tended.prom }\n"
        + "alerts: { command: [\"/bin/true\", \"--to\", \"ops\"], repeatEvery: 1h, stuckAfter: 5m, timeout: 10s }\n"));
    assertThat(given.metrics().textfile()).isEqualTo(dir.resolve("var/node/tended.prom"));
    assertThat(given.alerts()).isEqualTo(new AlertsConfig(List.of("/bin/true", "--to", "ops"), Duration.ofHours(1),
        Duration.ofMinutes(5), Duration.ofSeconds(10)));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(
        TWO_SOURCES.formatted("3s") + "metrics: { textfile: tended.txt }\n"
            + "alerts: { command: [\"/no/such/alerter\"], repeatEvery: often, to: ops }\n")));
    assertThat(e.problems()).hasSize(4);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("metrics.textfile: \"tended.txt\" must end in .prom"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("alerts.command[0]: "));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("alerts.repeatEvery: \"often\" is not a duration"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("alerts.to: unknown key"));
  }

  @Test
  void webListensOnLoopbackByDefaultAndAnotherAddressIsReadWithItsPath() throws Exception {
    TendedConfig plain = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")));
    assertThat(plain.web().listen()).isEqualTo("127.0.0.1:9180");
    assertThat(plain.web().loopback()).isTrue();
    assertThat(plain.web().tokenFile()).isEqualTo(plain.dataDir().resolve("web.token"));

    TendedConfig given = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")
        + "web: { listen: \"[::1]:8080\", tokenFile: secrets/web.token }\n"));
    assertThat(given.web().host()).isEqualTo("::1");
    assertThat(given.web().port()).isEqualTo(8080);
    assertThat(given.web().listen()).isEqualTo("[::1]:8080");
    assertThat(given.web().tokenFile()).isEqualTo(given.dataDir().resolve("secrets/web.token"));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(
        TWO_SOURCES.formatted("3s") + "web: { listen: \"127.0.0.1\", port: 1 }\n")));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("web.listen: \"127.0.0.1\" is not HOST:PORT"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("web.port: unknown key"));
  }

  @Test
  void ledgerIsTheSqliteFileByDefaultAndADatabaseWhenAUrlIsGivenWithItsPasswordOnlyInAFile() throws Exception {
    TendedConfig plain = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")));
    assertThat(plain.ledger().shared()).isFalse();
    assertThat(plain.ledger().node()).isEqualTo(HostName.current()).isNotBlank();

    Path secret = Files.writeString(dir.resolve("ledger.password"), "s3cret\n");
    TendedConfig shared = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")
        + "ledger: { url: \"jdbc:postgresql://db.example:5432/tended\", user: tended, passwordFile: "
        + secret.getFileName() + ", node: web-1 }\n"));
    assertThat(shared.ledger().shared()).isTrue();
    assertThat(shared.ledger().node()).isEqualTo("web-1");
    assertThat(shared.ledger().password()).isEqualTo("s3cret");
    assertThat(shared.ledger().toString()).doesNotContain("s3cret");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(
        TWO_SOURCES.formatted("3s") + "ledger: { url: \"jdbc:postgresql://db/t?password=x\", node: \"a b\","
        + " passwordFile: missing.pw }\n")));
    assertThat(e.problems()).hasSize(3);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("ledger.url: must not hold a password"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("ledger.node: \"a b\" must be"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("ledger.passwordFile: ").contains("missing.pw"));
    ConfigException mysql = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(
        TWO_SOURCES.formatted("3s") + "ledger: { url: \"jdbc:mysql://db/t\" }\n")));
    assertThat(mysql.problems()).singleElement().asString().startsWith("ledger.url: must be empty");
  }

  @Test
  void warnAfterIsReadPerHandler() throws Exception {
    TendedConfig c = ConfigLoader.load(write(TWO_SOURCES.formatted("3s").replace(
        "command: [\"/bin/true\"]", "command: [\"/bin/true\"], warnAfter: 15m")));
    assertThat(c.sources().get(0).handler().warnAfter()).isZero();
    assertThat(c.sources().get(1).handler().warnAfter()).hasMinutes(15);
  }

  @Test
  void badDurationIsRefusedWithTheKeysPathAndTheReason() throws Exception {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(write(TWO_SOURCES.formatted("2x"))));
    assertThat(e.problems()).containsExactly(
        "sources[1].pollInterval: \"2x\" is not a duration (write e.g. 500ms, 2s, 10m, 1h)");
  }

  @Test
  void unknownKeysAreRefusedWhereverTheyAre() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s").replace("concurrency: 2", "concurency: 2")
        .replace("supervisor: { staleAfter: 3s }", "supervisor: { staleAfter: 3s, restartBackof: {} }");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0)).startsWith("sources[1].concurency: unknown key");
    assertThat(e.problems().get(1)).startsWith("supervisor.restartBackof: unknown key");
  }

  @Test
  void missingRequiredFieldsAndDuplicateNamesAreEachNamed() throws Exception {
    String yaml = """
        sources:
          - name: ideas
            type: json-queue
            path: a.json
            handler: { command: [] }
          - name: ideas
            type: sqlite
            path: b.json
            handler: { command: ["/bin/true"] }
        """;
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).anyMatch(p -> p.startsWith("sources[0].handler.command: is required"));
    assertThat(e.problems()).contains("sources[1].type: \"sqlite\" is not a source type (json-queue, directory)");
  }

  @Test
  void valuesThatWouldFailLaterAreRefusedAtLoadWithTheirPaths() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s")
        .replace("handler: { command: [\"handlers/idea.sh\", \"--fast\"], timeout: 10m }",
            "handler: { command: [\"handlers/idea.sh\"], maxOutput: 0 }")
        .replace("handler: { command: [\"/bin/true\"] }", "handler: { command: [\"\", \"--x\"] }")
        + "logging: { maxFileSize: 999999999999GiB }\n";
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "sources[0].handler.maxOutput: must be more than 0 bytes",
        "sources[1].handler.command[0]: the program must not be empty, e.g. [\"/usr/local/bin/handle-idea\"]",
        "logging.maxFileSize: \"999999999999GiB\" is too large (at most 9223372036854775807 bytes)");
  }

  @Test
  void byteSizeThatOverflowsIsRefusedForMaxOutputToo() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s").replace("handler: { command: [\"/bin/true\"] }",
        "handler: { command: [\"/bin/true\"], maxOutput: 999999999999GiB }");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).containsExactly(
        "sources[1].handler.maxOutput: \"999999999999GiB\" is too large (at most 9223372036854775807 bytes)");
  }

  @Test
  void progressTimeoutLimitsAndMaxInterruptionsAreOffOrFiveByDefaultAndReadWhenGiven() throws Exception {
    TendedConfig defaults = ConfigLoader.load(write(TWO_SOURCES.formatted("3s")));
    SourceConfig ideas = defaults.sources().get(0);
    assertThat(ideas.handler().progressTimeout()).isZero();
    assertThat(ideas.handler().limits()).isEqualTo(HandlerLimits.NONE);
    assertThat(ideas.retry().maxInterruptions()).isEqualTo(5);

    String yaml = TWO_SOURCES.formatted("3s").replace("handler: { command: [\"/bin/true\"] }",
        "handler: { command: [\"/bin/true\"], progressTimeout: 5m, limits: { memory: 2GiB, processes: 256 } }\n"
            + "    retry: { maxInterruptions: 9 }");
    SourceConfig impl = ConfigLoader.load(write(yaml)).sources().get(1);
    assertThat(impl.handler().progressTimeout()).hasMinutes(5);
    assertThat(impl.handler().limits()).isEqualTo(new HandlerLimits(2L * 1024 * 1024 * 1024, 256));
    assertThat(impl.retry().maxInterruptions()).isEqualTo(9);
  }

  @Test
  void badLimitsAndProgressTimeoutAreRefusedWithTheirPaths() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s").replace("handler: { command: [\"/bin/true\"] }",
        "handler: { command: [\"/bin/true\"], progressTimeout: -1s, limits: { memory: lots, processes: -2, cpu: 1 } }\n"
            + "    retry: { maxInterruptions: 0 }");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("sources[1].handler.progressTimeout: "))
        .anySatisfy(p -> assertThat(p).startsWith("sources[1].handler.limits.memory: \"lots\" is not a size"))
        .anySatisfy(p -> assertThat(p).startsWith("sources[1].handler.limits.processes: -2 is out of range"))
        .anySatisfy(p -> assertThat(p).startsWith("sources[1].handler.limits.cpu"))
        .anySatisfy(p -> assertThat(p).startsWith("sources[1].retry.maxInterruptions: 0 is out of range"));
  }

  @Test
  void yamlSyntaxErrorNamesFileLineAndColumn() throws Exception {
    Path f = write("dataDir: ./var\nsources: [\n");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(f));
    assertThat(e.getMessage()).contains(f.toString()).contains("line ");
  }

  @Test
  void heartbeatSlowerThanStalenessIsRefused() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s").replace("interval: 1s", "interval: 5s");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).singleElement().asString().startsWith("heartbeat.interval: 5s must be shorter");
  }

  @Test
  void durationsParseEveryUnitAndRefuseOtherForms() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("2s")).contains(Duration.ofSeconds(2));
    assertThat(Durations.parse("10m")).contains(Duration.ofMinutes(10));
    assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    assertThat(Durations.parse("2x")).isEmpty();
    assertThat(Durations.parse("-1s")).isEmpty();
    assertThat(Durations.parse("1.5s")).isEmpty();
  }

  @Test
  void aHandlerProgramThatIsMissingOrNotExecutableIsRefusedWithItsPath() throws Exception {
    Files.setPosixFilePermissions(dir.resolve("handlers/idea.sh"), PosixFilePermissions.fromString("rw-r--r--"));
    String yaml = TWO_SOURCES.formatted("3s").replace("[\"/bin/true\"]", "[\"tended-no-such-program-anywhere\"]");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).containsExactly(
        "sources[0].handler.command[0]: not executable: " + dir.resolve("handlers/idea.sh"),
        "sources[1].handler.command[0]: not found on PATH: tended-no-such-program-anywhere");
    Files.delete(dir.resolve("handlers/idea.sh"));
    assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml))).problems())
        .contains("sources[0].handler.command[0]: no such file: " + dir.resolve("handlers/idea.sh"));
  }

  @Test
  void twoSourcesOnOnePathAreRefused() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s").replace("type: directory\n    path: implementations",
        "type: directory\n    path: ./sub/../ideas_log.json");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).containsExactly("sources[1].path: \"" + dir.resolve("var/ideas_log.json")
        + "\" is also the path of source \"ideas\"; each source needs its own file or folder");
  }

  @Test
  void aDirectorySourceAtAroundOrInsideTendedsOwnFoldersIsRefused() throws Exception {
    for (String path : new String[] {".", "..", "results", "work/x", "status.json"}) {
      String yaml = TWO_SOURCES.formatted("3s").replace("path: implementations", "path: " + path);
      ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
      assertThat(e).as(path).isNotNull();
      assertThat(e.problems()).as(path).singleElement().asString().startsWith("sources[1].path: ")
          .containsAnyOf("the data folder", "tended's own");
    }
  }

  @Test
  void aDuplicateKeyIsRefusedWithItsPath() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s").replace("concurrency: 2", "concurrency: 2\n    concurrency: 3");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).singleElement().asString().contains("sources[1].concurrency: duplicate key");
  }

  @Test
  void aHugeFileIsRefusedAsAConfigurationProblem() throws Exception {
    String yaml = TWO_SOURCES.formatted("3s") + "# " + "x".repeat(10 * 1024 * 1024) + "\n";
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml)));
    assertThat(e.problems()).singleElement().asString().contains("larger than 1024 KiB");
    String justUnder = TWO_SOURCES.formatted("3s") + "# " + "x".repeat(ConfigLoader.MAX_CONFIG_BYTES - 2000) + "\n";
    assertThat(ConfigLoader.load(write(justUnder)).sources()).hasSize(2);
  }

  @Test
  void maxIdLengthDefaultsAndIsBounded() throws Exception {
    assertThat(ConfigLoader.load(write(TWO_SOURCES.formatted("3s"))).sources().get(0).maxIdLength()).isEqualTo(1024);
    String yaml = TWO_SOURCES.formatted("3s").replace("concurrency: 2", "concurrency: 2\n    maxIdLength: 0");
    assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(write(yaml))).problems())
        .singleElement().asString().startsWith("sources[1].maxIdLength: ");
  }
}
