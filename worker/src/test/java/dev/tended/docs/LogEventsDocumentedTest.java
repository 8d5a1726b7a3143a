package dev.tended.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The log events are an interface (operators grep for them), so {@code docs/log-events.md} must name
 * exactly the events the code logs. The code is every {@code <module>/src/main/java/**}{@code /*.java}
 * of the repository; an event is the snake_case name a log call's message starts with, as in
 * {@code log.info("item_succeeded source={} id={}", ...)} or
 * {@code LoggerFactory.getLogger(X.class).warn("poll_scheduler_stop_failed error={}", ...)}.
 * Field values go through {@code dev.tended.logging.Kv.q}, which never makes the name, so the
 * message's first literal is where every event is named; a log call whose message does not start with
 * a literal event name would hide its event from this check and is refused too. In the document an
 * event is a table row whose first cell is {@code `event_name`}.
 */
class LogEventsDocumentedTest {
  /** A logger's method called with a literal: {@code log.}, {@code LOG.}, {@code getLogger(X.class).}. */
  private static final Pattern LOG_CALL = Pattern.compile(
      "(?:\\b(?:log|LOG|logger|LOGGER)|\\bgetLogger\\([^()]*\\))\\s*\\.\\s*(?:trace|debug|info|warn|error)\\(\\s*"
          + "(\"(?:[^\"\\\\]|\\\\.)*\")?");
  /** An event name at the start of the message, then a space, or the end of the literal. */
  private static final Pattern EVENT = Pattern.compile("\"([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?=[ \"])");
  /** A row of a Markdown table whose first cell is one event name in backticks. */
  private static final Pattern DOC_ROW = Pattern.compile("^\\|\\s*`([a-z][a-z0-9_]*)`\\s*\\|");

  private static Path root;
  /** Event name -> the places (module/…/File.java:line) that log it. */
  private static Map<String, List<String>> logged;
  /** Log calls whose message does not start with a literal event name. */
  private static List<String> unnamed;
  private static Set<String> documented;

  @BeforeAll
  static void scan() throws IOException {
    root = repositoryRoot();
    logged = new TreeMap<>();
    unnamed = new ArrayList<>();
    for (Path file : mainSources(root)) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Matcher call = LOG_CALL.matcher(text);
      while (call.find()) {
        String where = root.relativize(file) + ":" + lineOf(text, call.start());
        String literal = call.group(1);
        Matcher event = literal == null ? null : EVENT.matcher(literal);
        if (event != null && event.lookingAt()) {
          logged.computeIfAbsent(event.group(1), e -> new ArrayList<>()).add(where);
        } else {
          unnamed.add(where);
        }
      }
    }
    documented = new TreeSet<>();
    for (String line : Files.readAllLines(root.resolve("docs/log-events.md"), StandardCharsets.UTF_8)) {
      Matcher row = DOC_ROW.matcher(line);
      if (row.find()) {
        documented.add(row.group(1));
      }
    }
  }

  @Test
  void everyLoggedEventIsDocumented() {
    // The scan itself must work: an event every version of tended logs.
    assertThat(logged).containsKey("item_succeeded");
    Map<String, List<String>> missing = new TreeMap<>(logged);
    missing.keySet().removeAll(documented);
    assertThat(missing)
        .as("events logged by the code but without a row in docs/log-events.md (event=[where it is logged])")
        .isEmpty();
  }

  @Test
  void everyDocumentedEventIsLogged() {
    assertThat(documented).as("event rows in docs/log-events.md").isNotEmpty();
    Set<String> stale = new TreeSet<>(documented);
    stale.removeAll(logged.keySet());
    assertThat(stale)
        .as("events documented in docs/log-events.md that no */src/main/java code logs")
        .isEmpty();
  }

  @Test
  void everyLogCallStartsWithALiteralEventName() {
    assertThat(unnamed)
        .as("log calls whose message is not a literal starting with a snake_case event name "
            + "(write log.info(\"event_name key={}\", value), so that the event can be checked here)")
        .isEmpty();
  }

  /** The folder holding docs/log-events.md: Maven runs this test in worker/, the root's child. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/log-events.md")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no docs/log-events.md above " + Path.of("").toAbsolutePath());
  }

  /** Every .java file under {@code <module>/src/main/java} of each top-level module folder. */
  private static List<Path> mainSources(Path root) throws IOException {
    try (Stream<Path> modules = Files.list(root)) {
      return modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)
          .flatMap(LogEventsDocumentedTest::javaFiles).sorted().collect(Collectors.toList());
    }
  }

  private static Stream<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java") && Files.isRegularFile(f)).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
