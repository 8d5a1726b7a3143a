package dev.tended.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads the YAML file shared by worker and supervisor into a {@link TendedConfig}, refusing unknown
 * keys and invalid values with the key's path and the reason. Relative {@code dataDir} resolves
 * against the configuration file's folder; every other relative path against {@code dataDir}; a
 * handler's relative program path (one containing a slash) against the configuration file's folder.
 */
public final class ConfigLoader {
  private static final Pattern SOURCE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  /** A configuration file is a few KiB; anything this big is not one (and SnakeYAML stops at 3 MB). */
  static final int MAX_CONFIG_BYTES = 1024 * 1024;
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .loaderOptions(codePointLimit())
      .build());
  /** The folders under {@code dataDir} that tended writes itself: no source may read from them. */
  private static final List<String> OWN_FOLDERS = List.of("results", "work", "quarantine", "diagnostics");

  private ConfigLoader() {}

  /** Loads and validates {@code file}; throws with every problem found. */
  public static TendedConfig load(Path file) throws ConfigException {
    Path configFile = file.toAbsolutePath().normalize();
    JsonNode root;
    try {
      root = YAML.readTree(readBounded(configFile));
    } catch (NoSuchFileException e) {
      throw new ConfigException(configFile + ": no such file");
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : ": line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      String key = e.getProcessor() instanceof JsonParser p ? keyPath(p.getParsingContext()) : "";
      String message = String.valueOf(e.getOriginalMessage());
      if (message.startsWith("Duplicate field")) {
        message = "duplicate key " + message.substring("Duplicate field ".length())
            + " (a key may appear once per mapping)";
      }
      throw new ConfigException(configFile + where + ": " + (key.isEmpty() ? "" : key + ": ") + message);
    } catch (IOException e) {
      throw new ConfigException(configFile + ": cannot be read: " + e.getMessage());
    } catch (RuntimeException e) {
      // SnakeYAML's own limits and errors, should one escape Jackson's wrapping: still a bad file
      throw new ConfigException(configFile + ": not a usable YAML file: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(configFile + ": must be a YAML mapping with at least dataDir and sources");
    }
    List<String> problems = new ArrayList<>();
    TendedConfig config = read(new ConfigNode(root, "", problems), configFile, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private static TendedConfig read(ConfigNode root, Path configFile, List<String> problems) {
    root.refuseUnknownKeys(Set.of("dataDir", "heartbeat", "sources", "supervisor", "logging", "retention", "metrics",
        "alerts", "web", "ledger"));
    Path configDir = configFile.getParent();
    Path dataDir = configDir.resolve(root.string("dataDir", "./var")).normalize();

    ConfigNode hb = root.mappingOrEmpty("heartbeat");
    hb.refuseUnknownKeys(Set.of("file", "interval"));
    HeartbeatConfig heartbeat = new HeartbeatConfig(
        dataDir.resolve(hb.string("file", "status.json")).normalize(),
        hb.positiveDuration("interval", Duration.ofSeconds(5)));

    List<SourceConfig> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<ConfigNode> sourceNodes = root.mappings("sources");
    if (sourceNodes.isEmpty() && problems.stream().noneMatch(p -> p.startsWith("sources"))) {
      problems.add("sources: at least one source is required");
    }
    for (ConfigNode s : sourceNodes) {
      readSource(s, dataDir, configDir).ifPresent(source -> {
        if (!names.add(source.name())) {
          problems.add(s.path() + ".name: \"" + source.name() + "\" is used by another source");
        }
        sources.add(source);
      });
    }

    refuseSharedAndOwnPaths(sourceNodes, sources, dataDir, heartbeat, problems);

    SupervisorConfig supervisor = readSupervisor(root.mappingOrEmpty("supervisor"), configDir);
    if (heartbeat.interval().compareTo(supervisor.staleAfter()) >= 0) {
      problems.add("heartbeat.interval: " + Durations.format(heartbeat.interval())
          + " must be shorter than supervisor.staleAfter (" + Durations.format(supervisor.staleAfter()) + ")");
    }

    ConfigNode lg = root.mappingOrEmpty("logging");
    lg.refuseUnknownKeys(Set.of("dir", "maxFileSize", "maxHistory"));
    LoggingConfig logging = new LoggingConfig(
        dataDir.resolve(lg.string("dir", "logs")).normalize(),
        lg.positiveByteSize("maxFileSize", 10L * 1024 * 1024),
        lg.integer("maxHistory", 10, 1, 1000));

    ConfigNode rt = root.mappingOrEmpty("retention");
    rt.refuseUnknownKeys(Set.of("finishedFor", "deadFor", "identityFor", "quarantineKept", "pruneEvery"));
    RetentionConfig retention = new RetentionConfig(
        rt.positiveDuration("finishedFor", RetentionConfig.DEFAULT_FINISHED_FOR),
        rt.positiveDuration("deadFor", RetentionConfig.DEFAULT_DEAD_FOR),
        rt.nonNegativeDuration("identityFor", Duration.ZERO),
        rt.integer("quarantineKept", RetentionConfig.DEFAULT_QUARANTINE_KEPT, 1, 10_000),
        rt.positiveDuration("pruneEvery", RetentionConfig.DEFAULT_PRUNE_EVERY));
    if (!retention.identitiesKeptForever() && retention.identityFor().compareTo(retention.finishedFor()) < 0) {
      rt.problem("identityFor", "must be 0s (for ever) or at least finishedFor ("
          + Durations.format(retention.finishedFor()) + "): identical content must not run again while its item is kept");
    }

    ConfigNode mt = root.mappingOrEmpty("metrics");
    mt.refuseUnknownKeys(Set.of("textfile"));
    String textfile = mt.string("textfile", "");
    MetricsConfig metrics = new MetricsConfig(textfile.isBlank() ? null : dataDir.resolve(textfile).normalize());
    if (metrics.textfile() != null && !metrics.textfile().getFileName().toString().endsWith(".prom")) {
      mt.problem("textfile", "\"" + textfile + "\" must end in .prom (node_exporter's textfile collector reads only those)");
    }

    ConfigNode al = root.mappingOrEmpty("alerts");
    al.refuseUnknownKeys(Set.of("command", "repeatEvery", "stuckAfter", "timeout"));
    List<String> alertCommand = al.strings("command").orElse(List.of());
    if (!alertCommand.isEmpty() && alertCommand.get(0).isBlank()) {
      al.problem("command[0]", "the program must not be empty, e.g. [\"/usr/local/bin/tended-alert-mail\"]");
    } else if (!alertCommand.isEmpty()) {
      List<String> argv = new ArrayList<>(alertCommand);
      if (argv.get(0).contains("/") && !Path.of(argv.get(0)).isAbsolute()) {
        argv.set(0, configDir.resolve(argv.get(0)).normalize().toString());
      }
      ProgramCheck.problem(argv.get(0), dataDir, System.getenv("PATH")).ifPresent(why -> al.problem("command[0]", why));
      alertCommand = argv;
    }
    AlertsConfig alerts = new AlertsConfig(alertCommand,
        al.positiveDuration("repeatEvery", AlertsConfig.DEFAULT_REPEAT_EVERY),
        al.positiveDuration("stuckAfter", AlertsConfig.DEFAULT_STUCK_AFTER),
        al.positiveDuration("timeout", AlertsConfig.DEFAULT_TIMEOUT));

    ConfigNode wb = root.mappingOrEmpty("web");
    wb.refuseUnknownKeys(Set.of("listen", "tokenFile"));
    WebConfig web = WebConfig.defaultsIn(dataDir);
    try {
      web = web.listeningOn(WebConfig.Listen.parse(wb.string("listen", WebConfig.DEFAULT_LISTEN)));
    } catch (IllegalArgumentException e) {
      wb.problem("listen", e.getMessage());
    }
    String tokenFile = wb.string("tokenFile", "");
    if (!tokenFile.isBlank()) {
      web = new WebConfig(web.host(), web.port(), dataDir.resolve(tokenFile).normalize());
    }

    LedgerConfig ledger = readLedger(root.mappingOrEmpty("ledger"), configDir);

    return new TendedConfig(configFile, dataDir, heartbeat, sources, supervisor, logging, retention, metrics, alerts,
        web, ledger);
  }

  private static LedgerConfig readLedger(ConfigNode ld, Path configDir) {
    ld.refuseUnknownKeys(Set.of("url", "user", "passwordFile", "node"));
    String url = ld.string("url", "").strip();
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql://")) {
      ld.problem("url", "must be empty (SQLite in dataDir) or a PostgreSQL URL, e.g. jdbc:postgresql://db.example:5432/tended");
    }
    if (url.matches("(?i).*[?&](password|sslpassword)=.*")) {
      ld.problem("url", "must not hold a password: put it in ledger.passwordFile (or $"
          + LedgerConfig.PASSWORD_VARIABLE + ")");
    }
    String user = ld.string("user", "");
    String file = ld.string("passwordFile", "");
    Path passwordFile = file.isBlank() ? null : configDir.resolve(file).normalize();
    if (passwordFile != null && !Files.isReadable(passwordFile)) {
      ld.problem("passwordFile", passwordFile + " is not a readable file");
    }
    String node = ld.string("node", "");
    if (node.isBlank()) {
      node = HostName.current();
    } else if (!LedgerConfig.NODE_NAME.matcher(node).matches()) {
      ld.problem("node", "\"" + node + "\" must be letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit");
    }
    return new LedgerConfig(url, user, passwordFile, node);
  }

  private static Optional<SourceConfig> readSource(ConfigNode s, Path dataDir, Path configDir) {
    s.refuseUnknownKeys(Set.of(
        "name", "type", "path", "idField", "pollInterval", "concurrency", "handler", "retry", "breaker",
        "maxItemBytes", "maxIdLength"));
    Optional<String> name = s.string("name");
    if (name.isEmpty()) {
      s.problem("name", "is required");
    } else if (!SOURCE_NAME.matcher(name.get()).matches()) {
      s.problem("name", "\"" + name.get() + "\" must be lower-case letters, digits, '.', '_' or '-' (at most 64)");
    }
    Optional<SourceType> type = s.string("type").flatMap(t -> {
      for (SourceType st : SourceType.values()) {
        if (st.configName().equals(t)) {
          return Optional.of(st);
        }
      }
      s.problem("type", "\"" + t + "\" is not a source type (json-queue, directory)");
      return Optional.empty();
    });
    if (s.string("type").isEmpty()) {
      s.problem("type", "is required (json-queue or directory)");
    }
    Optional<String> path = s.string("path");
    if (path.isEmpty()) {
      s.problem("path", "is required");
    }
    String idField = s.string("idField", "id");
    Duration pollInterval = s.positiveDuration("pollInterval", Duration.ofSeconds(2));
    int concurrency = s.integer("concurrency", 1, 1, 256);
    long maxItemBytes = s.positiveByteSize("maxItemBytes", SourceConfig.DEFAULT_MAX_ITEM_BYTES);

    int maxIdLength = s.integer("maxIdLength", SourceConfig.DEFAULT_MAX_ID_LENGTH, 1, SourceConfig.MAX_ID_LENGTH);
    Optional<HandlerConfig> handler = s.mapping("handler").flatMap(h -> readHandler(h, configDir, dataDir));
    if (handler.isEmpty() && s.mapping("handler").isEmpty()) {
      s.problem("handler", "is required (handler: { command: [\"/path/to/program\"] })");
    }

    ConfigNode r = s.mappingOrEmpty("retry");
    r.refuseUnknownKeys(Set.of("maxAttempts", "initialBackoff", "maxBackoff", "maxInterruptions"));
    RetryConfig retry = new RetryConfig(
        r.integer("maxAttempts", 5, 1, 1000),
        r.positiveDuration("initialBackoff", Duration.ofSeconds(1)),
        r.positiveDuration("maxBackoff", Duration.ofMinutes(5)),
        r.integer("maxInterruptions", RetryConfig.DEFAULT_MAX_INTERRUPTIONS, 1, 1000));
    if (retry.initialBackoff().compareTo(retry.maxBackoff()) > 0) {
      r.problem("initialBackoff", "must not be longer than maxBackoff");
    }

    ConfigNode b = s.mappingOrEmpty("breaker");
    b.refuseUnknownKeys(Set.of("failureThreshold", "openFor"));
    BreakerConfig breaker = new BreakerConfig(
        b.integer("failureThreshold", 5, 1, 10_000),
        b.positiveDuration("openFor", Duration.ofSeconds(60)));

    if (name.isEmpty() || type.isEmpty() || path.isEmpty() || handler.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SourceConfig(name.get(), type.get(), dataDir.resolve(path.get()).normalize(),
        idField, pollInterval, concurrency, handler.get(), retry, breaker, maxItemBytes, maxIdLength));
  }

  private static Optional<HandlerConfig> readHandler(ConfigNode h, Path configDir, Path dataDir) {
    h.refuseUnknownKeys(Set.of("command", "timeout", "killGrace", "maxOutput", "progressTimeout", "limits",
        "warnAfter"));
    Optional<List<String>> command = h.strings("command");
    if (command.isEmpty() || command.get().isEmpty()) {
      h.problem("command", "is required and must name a program, e.g. [\"/usr/local/bin/handle-idea\"]");
    } else if (command.get().get(0).isBlank()) {
      h.problem("command[0]", "the program must not be empty, e.g. [\"/usr/local/bin/handle-idea\"]");
    }
    Duration timeout = h.positiveDuration("timeout", Duration.ofMinutes(10));
    Duration killGrace = h.positiveDuration("killGrace", Duration.ofSeconds(5));
    long maxOutput = h.positiveByteSize("maxOutput", 1024L * 1024);
    Duration progressTimeout = h.nonNegativeDuration("progressTimeout", Duration.ZERO);
    Duration warnAfter = h.nonNegativeDuration("warnAfter", Duration.ZERO);
    ConfigNode l = h.mappingOrEmpty("limits");
    l.refuseUnknownKeys(Set.of("memory", "processes"));
    HandlerLimits limits = new HandlerLimits(l.byteSize("memory", 0),
        l.integer("processes", 0, 0, 1_000_000));
    if (command.isEmpty() || command.get().isEmpty() || command.get().get(0).isBlank()) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>(command.get());
    String program = argv.get(0);
    if (program.contains("/") && !Path.of(program).isAbsolute()) {
      argv.set(0, configDir.resolve(program).normalize().toString());
    }
    // handlers run in dataDir with the daemon's PATH
    ProgramCheck.problem(argv.get(0), dataDir, System.getenv("PATH"))
        .ifPresent(why -> h.problem("command[0]", why));
    return Optional.of(new HandlerConfig(argv, timeout, killGrace, maxOutput, progressTimeout, limits, warnAfter));
  }

  private static SupervisorConfig readSupervisor(ConfigNode s, Path configDir) {
    s.refuseUnknownKeys(Set.of("staleAfter", "startupGrace", "stopGrace", "restartBackoff",
        "restartWith", "workerCommand", "workerUnit", "stallRecordsKept", "watchOkEvery"));
    ConfigNode rb = s.mappingOrEmpty("restartBackoff");
    rb.refuseUnknownKeys(Set.of("initial", "max", "resetAfter"));
    Duration initial = rb.positiveDuration("initial", Duration.ofSeconds(1));
    Duration max = rb.positiveDuration("max", Duration.ofSeconds(60));
    Duration resetAfter = rb.positiveDuration("resetAfter", SupervisorConfig.DEFAULT_RESET_AFTER);
    if (initial.compareTo(max) > 0) {
      rb.problem("initial", "must not be longer than max");
    }
    RestartMode mode = s.string("restartWith").flatMap(m -> {
      for (RestartMode rm : RestartMode.values()) {
        if (rm.configName().equals(m.toLowerCase(Locale.ROOT))) {
          return Optional.of(rm);
        }
      }
      s.problem("restartWith", "\"" + m + "\" is not a restart mode (child, systemctl)");
      return Optional.empty();
    }).orElse(RestartMode.CHILD);
    List<String> workerCommand = new ArrayList<>(s.strings("workerCommand").orElse(List.of()));
    if (!workerCommand.isEmpty() && workerCommand.get(0).contains("/")
        && !Path.of(workerCommand.get(0)).isAbsolute()) {
      workerCommand.set(0, configDir.resolve(workerCommand.get(0)).normalize().toString());
    }
    return new SupervisorConfig(
        s.positiveDuration("staleAfter", Duration.ofSeconds(120)),
        s.positiveDuration("startupGrace", Duration.ofSeconds(60)),
        s.positiveDuration("stopGrace", Duration.ofSeconds(10)),
        initial,
        max,
        mode,
        workerCommand,
        s.string("workerUnit", "tended-worker.service"),
        s.integer("stallRecordsKept", 20, 1, 10_000),
        resetAfter,
        s.positiveDuration("watchOkEvery", SupervisorConfig.DEFAULT_WATCH_OK_EVERY));
  }

  /**
   * Two sources on one path would take each item twice; a source at the data folder, around it, or
   * inside the folders tended writes would read tended's own files as items.
   */
  private static void refuseSharedAndOwnPaths(List<ConfigNode> nodes, List<SourceConfig> sources, Path dataDir,
      HeartbeatConfig heartbeat, List<String> problems) {
    Map<Path, String> seen = new HashMap<>();
    Path realData = real(dataDir);
    for (SourceConfig source : sources) {
      String at = nodes.stream().filter(n -> n.string("name").map(source.name()::equals).orElse(false))
          .findFirst().map(ConfigNode::path).orElse("sources") + ".path";
      Path path = real(source.path());
      String other = seen.putIfAbsent(path, source.name());
      if (other != null) {
        problems.add(at + ": \"" + source.path() + "\" is also the path of source \"" + other
            + "\"; each source needs its own file or folder");
      }
      if (realData.startsWith(path)) {
        problems.add(at + ": \"" + source.path() + "\" is " + (realData.equals(path) ? "" : "a folder around ")
            + "the data folder (" + dataDir + "); a source must not read tended's own files");
      }
      for (String own : OWN_FOLDERS) {
        if (path.startsWith(realData.resolve(own))) {
          problems.add(at + ": \"" + source.path() + "\" is inside tended's own " + own
              + "/ folder; put the queue beside it");
        }
      }
      for (Path own : List.of(real(heartbeat.file()), realData.resolve("ledger.db"))) {
        if (path.equals(own)) {
          problems.add(at + ": \"" + source.path() + "\" is tended's own file " + own.getFileName());
        }
      }
    }
  }

  /** {@code path} with every link in its existing part resolved, so two spellings of one folder compare equal. */
  private static Path real(Path path) {
    Path existing = path;
    Path rest = existing.getFileSystem().getPath("");
    while (existing != null) {
      try {
        return existing.toRealPath().resolve(rest).normalize();
      } catch (IOException notThere) {
        rest = existing.getFileName().resolve(rest);
        existing = existing.getParent();
      }
    }
    return path;
  }

  /** The file's bytes, refused when larger than {@link #MAX_CONFIG_BYTES}, without reading more than that. */
  private static byte[] readBounded(Path file) throws IOException, ConfigException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
      if (bytes.length > MAX_CONFIG_BYTES) {
        throw new ConfigException(file + ": larger than " + MAX_CONFIG_BYTES / 1024
            + " KiB, too big for a configuration file (is it the right file?)");
      }
      return bytes;
    }
  }

  private static LoaderOptions codePointLimit() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CONFIG_BYTES + 1);
    return options;
  }

  /** {@code sources[1].name} for the parser's place, for a problem found while parsing. */
  private static String keyPath(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add(0, (c.getParent() != null && !c.getParent().inRoot() ? "." : "") + c.getCurrentName());
      }
    }
    return String.join("", parts);
  }
}
