package io.twinlog.dedup.topology;

import io.twinlog.contracts.DebeziumTopics;
import io.twinlog.dedup.config.DedupConfig;
import io.twinlog.dedup.config.SourceSpec;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Every topic name the runtime reads or writes, derived from the configuration in one place. */
public final class TopicNames {
  /** Debezium writes heartbeats to {@code __debezium-heartbeat.<topic.prefix>} by default. */
  public static final String HEARTBEAT_PREFIX = DebeziumTopics.HEARTBEAT_PREFIX;

  /** A data topic of one source: which source, and which {@code database.table}. */
  public record InputTopic(SourceSpec source, String table) {}

  private final DedupConfig config;
  private final List<SourceSpec> longestPrefixFirst;
  private final Pattern tableFilter;
  private final ConcurrentHashMap<String, InputTopic> parsed = new ConcurrentHashMap<>();

  public TopicNames(DedupConfig config) {
    this.config = config;
    this.longestPrefixFirst =
        config.sources().stream()
            .sorted(Comparator.comparingInt((SourceSpec s) -> s.topicPrefix().length()).reversed())
            .toList();
    this.tableFilter = tableRegex(config);
  }

  private static Pattern tableRegex(DedupConfig config) {
    if (config.tablePattern() != null) {
      return config.tablePattern();
    }
    return Pattern.compile(
        config.tables().stream().map(Pattern::quote).collect(Collectors.joining("|")));
  }

  /** The data topic of a table for one source. */
  public static String sourceTopic(SourceSpec source, String table) {
    return source.topicPrefix() + "." + table;
  }

  /** The data topic of a table for the source named {@code sourceName}. */
  public String topic(String sourceName, String table) {
    return config.sources().stream()
        .filter(s -> s.name().equals(sourceName))
        .findFirst()
        .map(s -> sourceTopic(s, table))
        .orElseThrow(() -> new IllegalArgumentException("no source " + sourceName));
  }

  /** The deduplicated output topic of a table. */
  public String outputTopic(String table) {
    return config.outputTopicPrefix() + "." + table;
  }

  /**
   * Subscription for every source's data topics. It matches {@code <prefix>.<db>.<table>} only, so
   * the connector's schema-change topic ({@code <prefix>}) and its transaction-metadata topic
   * ({@code <prefix>.transaction}, no second dot) are never read.
   */
  public Pattern inputPattern() {
    String prefixes =
        config.sources().stream()
            .map(s -> Pattern.quote(s.topicPrefix()))
            .collect(Collectors.joining("|"));
    return Pattern.compile(
        "(?:" + prefixes + ")\\.(?=[^.]+\\.[^.]+$)(?:" + tableFilter.pattern() + ")");
  }

  /** Subscription for the sources' heartbeat topics (used for progress metrics only). */
  public Pattern heartbeatPattern() {
    return Pattern.compile(
        Pattern.quote(HEARTBEAT_PREFIX)
            + "(?:"
            + config.sources().stream()
                .map(s -> Pattern.quote(s.topicPrefix()))
                .collect(Collectors.joining("|"))
            + ")");
  }

  /** Which source and table a data topic belongs to, or null if it is not one of ours. */
  public InputTopic parse(String topic) {
    InputTopic cached = parsed.get(topic);
    if (cached != null) {
      return cached;
    }
    for (SourceSpec source : longestPrefixFirst) {
      String prefix = source.topicPrefix() + ".";
      if (topic.startsWith(prefix)) {
        String table = topic.substring(prefix.length());
        if (table.indexOf('.') > 0 && tableFilter.matcher(table).matches()) {
          InputTopic input = new InputTopic(source, table);
          parsed.put(topic, input);
          return input;
        }
        return null;
      }
    }
    return null;
  }

  /** The source whose heartbeat topic this is, or null. */
  public SourceSpec heartbeatSource(String topic) {
    return topic.startsWith(HEARTBEAT_PREFIX)
        ? config.sourceByPrefix(topic.substring(HEARTBEAT_PREFIX.length()))
        : null;
  }
}
