package io.twinlog.dedup.config;

import static io.twinlog.contracts.DedupRuntimeEnv.*;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The dedup runtime's validated configuration, read from the environment contract in {@link
 * io.twinlog.contracts.DedupRuntimeEnv} (optionally preceded by a properties file).
 *
 * @param tables explicit {@code database.table} names; empty when {@code tablePattern} is used
 * @param tablePattern regular expression over {@code database.table}; null when tables are listed
 * @param anomalyTopic where anomalies are written for the operator; null: metrics and logs only
 * @param alignHoldMs how long (wall-clock time) a source's changes are held while its resume inside
 *     a transaction cannot be placed, before it decides alone
 * @param kafka client properties passed through from {@code TWINLOG_KAFKA_*} variables, with {@code
 *     group.instance.id} from {@code TWINLOG_DEDUP_INSTANCE_ID} unless one is passed through
 */
public record DedupConfig(
    String bootstrapServers,
    String applicationId,
    List<SourceSpec> sources,
    List<String> tables,
    Pattern tablePattern,
    String outputTopicPrefix,
    String deadLetterTopic,
    String anomalyTopic,
    long windowMs,
    long alignHoldMs,
    String stateDir,
    int metricsPort,
    String processingGuarantee,
    int streamThreads,
    Map<String, String> kafka) {

  public static final String DEFAULT_STATE_DIR = "/var/lib/twinlog/state";
  public static final String DEFAULT_APPLICATION_ID = "twinlog-dedup";

  /** The group session timeout unless one is passed through (Kafka's own default is 45 s). */
  public static final String DEFAULT_SESSION_TIMEOUT_MS = "10000";

  /** Exactly-once commit interval unless one is passed through (Streams' EOS default: 100). */
  public static final String DEFAULT_COMMIT_INTERVAL_MS = "50";

  /** Streams' {@code poll.ms} unless one is passed through (Streams' default: 100). */
  public static final String DEFAULT_POLL_MS = "20";

  /** The producer's {@code linger.ms} unless one is passed through (Streams sets 100). */
  public static final String DEFAULT_LINGER_MS = "5";

  private static final Pattern TABLE_NAME = Pattern.compile("[^.,\\s]+\\.[^.,\\s]+");
  private static final List<String> GUARANTEES =
      List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE);

  public DedupConfig {
    sources = List.copyOf(sources);
    tables = List.copyOf(tables);
    kafka = Map.copyOf(kafka);
  }

  /** Reads the process environment (and the properties file it may name). */
  public static DedupConfig fromEnvironment() {
    return fromEnv(System.getenv());
  }

  /**
   * Reads a configuration from environment-style variables; the file named by {@code
   * TWINLOG_CONFIG_FILE} (keys are the same variable names) is read first and the map wins.
   */
  public static DedupConfig fromEnv(Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    List<String> problems = new ArrayList<>();
    String file = blankToNull(env.get(CONFIG_FILE));
    if (file != null) {
      try (Reader reader = Files.newBufferedReader(Path.of(file))) {
        Properties properties = new Properties();
        properties.load(reader);
        properties.forEach((k, v) -> merged.put(k.toString(), v.toString()));
      } catch (IOException e) {
        problems.add(CONFIG_FILE + "=" + file + " cannot be read: " + e.getMessage());
      }
    }
    env.forEach((k, v) -> merged.put(k, v));
    return parse(merged, problems);
  }

  private static DedupConfig parse(Map<String, String> env, List<String> problems) {
    String bootstrap = required(env, BOOTSTRAP_SERVERS, problems);
    String appId = orDefault(env, APPLICATION_ID, DEFAULT_APPLICATION_ID);
    List<SourceSpec> sources = parseSources(env.get(SOURCES), problems);
    List<String> tables = new ArrayList<>();
    Pattern pattern = null;
    String tableList = blankToNull(env.get(TABLES));
    String tableRegex = blankToNull(env.get(TABLE_PATTERN));
    if (tableList != null && tableRegex != null) {
      problems.add("set either " + TABLES + " or " + TABLE_PATTERN + ", not both");
    } else if (tableList != null) {
      for (String table : tableList.split(",")) {
        String t = table.trim();
        if (!TABLE_NAME.matcher(t).matches()) {
          problems.add(TABLES + ": '" + t + "' is not of the form database.table");
        } else if (!tables.contains(t)) {
          tables.add(t);
        }
      }
    } else if (tableRegex != null) {
      try {
        pattern = Pattern.compile(tableRegex);
      } catch (PatternSyntaxException e) {
        problems.add(TABLE_PATTERN + " is not a valid regular expression: " + e.getDescription());
      }
    } else {
      problems.add("one of " + TABLES + " or " + TABLE_PATTERN + " is required");
    }
    String output = required(env, OUTPUT_TOPIC_PREFIX, problems);
    if (output != null) {
      for (SourceSpec source : sources) {
        if (source.topicPrefix().equals(output)) {
          problems.add(
              OUTPUT_TOPIC_PREFIX + " must differ from source " + source.name() + "'s prefix");
        }
      }
    }
    String deadLetter = required(env, DEAD_LETTER_TOPIC, problems);
    String anomalies = blankToNull(env.get(ANOMALY_TOPIC));
    long window = positiveLong(env, WINDOW_MS, DEFAULT_WINDOW_MS, problems);
    long hold = positiveLong(env, ALIGN_HOLD_MS, DEFAULT_ALIGN_HOLD_MS, problems);
    String stateDir = orDefault(env, STATE_DIR, DEFAULT_STATE_DIR);
    int port = (int) rangedLong(env, METRICS_PORT, DEFAULT_METRICS_PORT, 0, 65535, problems);
    String guarantee = orDefault(env, PROCESSING_GUARANTEE, StreamsConfig.EXACTLY_ONCE_V2);
    if (!GUARANTEES.contains(guarantee)) {
      problems.add(PROCESSING_GUARANTEE + " must be one of " + GUARANTEES + ", got " + guarantee);
    }
    int threads = (int) rangedLong(env, STREAM_THREADS, 1, 1, 64, problems);
    Map<String, String> kafka = passthrough(env);
    String instance = blankToNull(env.get(INSTANCE_ID));
    if (instance != null) {
      kafka.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
    }
    if (!problems.isEmpty()) {
      throw new DedupConfigException(problems);
    }
    return new DedupConfig(
        bootstrap,
        appId,
        sources,
        tables,
        pattern,
        output,
        deadLetter,
        anomalies,
        window,
        hold,
        stateDir,
        port,
        guarantee,
        threads,
        kafka);
  }

  private static List<SourceSpec> parseSources(String value, List<String> problems) {
    List<SourceSpec> sources = new ArrayList<>();
    if (blankToNull(value) == null) {
      problems.add(SOURCES + " is required (comma-separated name=topicPrefix pairs, 1 to 5)");
      return sources;
    }
    Set<String> names = new HashSet<>();
    for (String pair : value.split(",")) {
      String[] parts = pair.trim().split("=", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        problems.add(SOURCES + ": '" + pair.trim() + "' is not name=topicPrefix");
        continue;
      }
      SourceSpec source = new SourceSpec(parts[0].trim(), parts[1].trim());
      if (!names.add(source.name())) {
        problems.add(SOURCES + ": source name '" + source.name() + "' appears twice");
      }
      for (SourceSpec other : sources) {
        if (overlaps(other.topicPrefix(), source.topicPrefix())) {
          problems.add(
              SOURCES
                  + ": topic prefixes '"
                  + other.topicPrefix()
                  + "' and '"
                  + source.topicPrefix()
                  + "' overlap, so a topic name would not say which source it came from");
        }
      }
      sources.add(source);
    }
    if (sources.size() > 5) {
      problems.add(SOURCES + " must list 1 to 5 sources, got " + sources.size());
    }
    return sources;
  }

  private static boolean overlaps(String a, String b) {
    return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
  }

  private static Map<String, String> passthrough(Map<String, String> env) {
    Map<String, String> kafka = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_PASSTHROUGH_PREFIX)
              && k.length() > KAFKA_PASSTHROUGH_PREFIX.length()) {
            String key =
                k.substring(KAFKA_PASSTHROUGH_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            kafka.put(key, v);
          }
        });
    return kafka;
  }

  private static String required(Map<String, String> env, String key, List<String> problems) {
    String value = blankToNull(env.get(key));
    if (value == null) {
      problems.add(key + " is required");
    }
    return value;
  }

  private static String orDefault(Map<String, String> env, String key, String fallback) {
    String value = blankToNull(env.get(key));
    return value == null ? fallback : value;
  }

  private static long positiveLong(
      Map<String, String> env, String key, long fallback, List<String> problems) {
    return rangedLong(env, key, fallback, 1, Long.MAX_VALUE, problems);
  }

  private static long rangedLong(
      Map<String, String> env,
      String key,
      long fallback,
      long min,
      long max,
      List<String> problems) {
    String value = blankToNull(env.get(key));
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        problems.add(key + " must be between " + min + " and " + max + ", got " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(key + " must be a whole number, got '" + value + "'");
      return fallback;
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The source with this topic prefix, or null. */
  public SourceSpec sourceByPrefix(String prefix) {
    return sources.stream().filter(s -> s.topicPrefix().equals(prefix)).findFirst().orElse(null);
  }

  /** Properties for {@link org.apache.kafka.streams.KafkaStreams}; pass-through settings win. */
  public Properties streamsProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    // Source topics are subscribed by pattern; Debezium creates a table's topic on its first
    // change, and the clients' default (5 min) would leave it unread for that long.
    props.put(CommonClientConfigs.METADATA_MAX_AGE_CONFIG, "5000");
    // An instance that died for good (its node lost) keeps its partitions unread until its
    // session expires: Kafka's 45 s default is a 45 s outage. 10 s is three heartbeats; a crashed
    // container that comes back in the same pod does not wait even that (static membership).
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
    // Latency: with exactly-once a change is visible downstream only when its transaction
    // commits. Streams' defaults (commit every 100 ms, producer linger 100 ms, a 100 ms poll
    // after each burst) add up to most of the runtime's share of the commit-to-ERP time; these
    // halve it for about a third more CPU at OLTP rates (docs/benchmarks.md).
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
    props.put(StreamsConfig.POLL_MS_CONFIG, DEFAULT_POLL_MS);
    props.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
    props.putAll(kafka);
    return props;
  }

  /** A copy with other client properties merged in (tests and benchmarks tune commit intervals). */
  public DedupConfig withKafka(Map<String, String> extra) {
    Map<String, String> merged = new LinkedHashMap<>(kafka);
    merged.putAll(extra);
    return new DedupConfig(
        bootstrapServers,
        applicationId,
        sources,
        tables,
        tablePattern,
        outputTopicPrefix,
        deadLetterTopic,
        anomalyTopic,
        windowMs,
        alignHoldMs,
        stateDir,
        metricsPort,
        processingGuarantee,
        streamThreads,
        merged);
  }
}
