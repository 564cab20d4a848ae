package io.twinlog.operator.observe;

import io.twinlog.contracts.DedupAnomalyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks when each Debezium source last wrote a heartbeat, by reading the heartbeat topics {@code
 * __debezium-heartbeat.<topic.prefix>} off the reconcile thread: one assign-only consumer (no
 * group, no commits) per Kafka bootstrap address, shared by every pipeline on that cluster. The
 * same consumer reads each pipeline's dedup anomaly topic ({@link #anomalies}) and its dead-letter
 * topics ({@link #deadLetters}).
 *
 * <p>Pipelines register what they want with {@link #watch} on each reconciliation (idempotent) and
 * read {@link #lastSeen}; {@link #forget} drops a deleted pipeline, and a cluster's reader stops
 * when no pipeline watches it any more. At most {@code maxClusters} readers (threads) run.
 */
public final class HeartbeatWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWatcher.class);

  /**
   * Default limit of Kafka clusters watched at once (one thread and one consumer each): none. A
   * limit turns stall detection off for the pipelines beyond it, a safety feature gone quietly, so
   * the operator pays a thread per cluster instead (one per namespace with a Kafka of its own).
   */
  public static final int DEFAULT_MAX_CLUSTERS = Integer.MAX_VALUE;

  private final Map<String, Object> clientProperties;
  private final int maxClusters;
  private final Duration pollTimeout;

  /** What one owner reads on one Kafka cluster. */
  private record Wanted(
      KafkaCluster cluster, Set<String> prefixes, String anomalyTopic, Set<String> deadLetters) {}

  // owner (a pipeline) -> what it reads; guarded by this.
  private final Map<String, Wanted> wanted = new HashMap<>();
  private volatile Consumer<String> anomalyListener = owner -> {};
  private final Map<KafkaCluster, ClusterReader> readers = new LinkedHashMap<>();
  private final Set<KafkaCluster> refused = new HashSet<>();
  private boolean closed;

  /**
   * A watcher.
   *
   * @param clientProperties extra Kafka consumer properties (security, for example); never logged
   * @param maxClusters the most Kafka clusters read at once
   * @param pollTimeout how long one poll waits for records (bounds the reaction to close)
   */
  public HeartbeatWatcher(
      Map<String, Object> clientProperties, int maxClusters, Duration pollTimeout) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.maxClusters = maxClusters;
    this.pollTimeout = pollTimeout;
  }

  /** A watcher with no extra client properties and the default limits. */
  public HeartbeatWatcher() {
    this(Map.of(), DEFAULT_MAX_CLUSTERS, Duration.ofSeconds(1));
  }

  /**
   * Sets what one owner (a pipeline, for example {@code namespace/name}) watches: these topic
   * prefixes on that Kafka cluster, replacing what it watched before. Returns at once; reading
   * happens on the cluster's own thread.
   */
  public void watch(String owner, String bootstrap, Collection<String> topicPrefixes) {
    watch(owner, KafkaCluster.plain(bootstrap), topicPrefixes, null, Set.of());
  }

  /**
   * As {@link #watch(String, String, Collection)}, and also the dedup runtime's anomaly topic (null
   * for none) and dead-letter topics, read {@code read_committed}.
   */
  public synchronized void watch(
      String owner,
      KafkaCluster cluster,
      Collection<String> topicPrefixes,
      String anomalyTopic,
      Collection<String> deadLetterTopics) {
    if (closed) {
      return;
    }
    Wanted mine =
        new Wanted(cluster, Set.copyOf(topicPrefixes), anomalyTopic, Set.copyOf(deadLetterTopics));
    if (mine.equals(wanted.get(owner))) {
      return;
    }
    wanted.put(owner, mine);
    refresh();
  }

  /** Stops watching what an owner watched. */
  public synchronized void forget(String owner) {
    if (wanted.remove(owner) != null) {
      refresh();
    }
  }

  /**
   * When the source with this topic prefix last wrote a heartbeat (the record's timestamp), or
   * empty when none was read yet.
   */
  public Optional<Instant> lastSeen(String bootstrap, String topicPrefix) {
    return lastSeen(KafkaCluster.plain(bootstrap), topicPrefix);
  }

  /** As {@link #lastSeen(String, String)} on a cluster reached with security settings. */
  public Optional<Instant> lastSeen(KafkaCluster cluster, String topicPrefix) {
    ClusterReader reader;
    synchronized (this) {
      reader = readers.get(cluster);
    }
    return reader == null ? Optional.empty() : reader.lastSeen(topicPrefix);
  }

  /**
   * The latest anomaly per source and kind read from an anomaly topic (records up to six hours old
   * are read when the topic is first watched), in no particular order.
   */
  public List<DedupAnomalyRecord> anomalies(KafkaCluster cluster, String anomalyTopic) {
    ClusterReader reader;
    synchronized (this) {
      reader = readers.get(cluster);
    }
    return reader == null ? List.of() : reader.anomalies(anomalyTopic);
  }

  /** What a dead-letter topic held when last read; empty before the topic was found. */
  public Optional<DeadLetterReading> deadLetters(KafkaCluster cluster, String topic) {
    ClusterReader reader;
    synchronized (this) {
      reader = readers.get(cluster);
    }
    return reader == null ? Optional.empty() : reader.deadLetters(topic);
  }

  /**
   * Why the reader of this cluster cannot read it and since when, or empty while it reads (or
   * before it started): then nothing read from it is fresh, and the stall rule, which needs a fresh
   * peer, flags nobody.
   */
  public Optional<String> readFailure(KafkaCluster cluster) {
    ClusterReader reader;
    synchronized (this) {
      reader = readers.get(cluster);
    }
    return reader == null ? Optional.empty() : reader.failure();
  }

  /**
   * Who hears of a new anomaly or dead letter: called with each owner watching that topic,
   * off-thread.
   */
  public void onAnomaly(Consumer<String> listener) {
    this.anomalyListener = listener;
  }

  private void anomalyRead(String topic) {
    List<String> owners;
    synchronized (this) {
      owners =
          wanted.entrySet().stream()
              .filter(
                  e ->
                      topic.equals(e.getValue().anomalyTopic())
                          || e.getValue().deadLetters().contains(topic))
              .map(Map.Entry::getKey)
              .toList();
    }
    owners.forEach(anomalyListener);
  }

  /** The Kafka clusters read now (for tests and metrics). */
  public synchronized Set<String> clusters() {
    return readers.keySet().stream().map(KafkaCluster::bootstrap).collect(Collectors.toSet());
  }

  private void refresh() {
    Map<KafkaCluster, Set<String>> byCluster = new HashMap<>();
    Map<KafkaCluster, Set<String>> anomaliesByCluster = new HashMap<>();
    Map<KafkaCluster, Set<String>> deadLettersByCluster = new HashMap<>();
    wanted
        .values()
        .forEach(
            w -> {
              byCluster.computeIfAbsent(w.cluster(), k -> new HashSet<>()).addAll(w.prefixes());
              Set<String> anomalies =
                  anomaliesByCluster.computeIfAbsent(w.cluster(), k -> new HashSet<>());
              if (w.anomalyTopic() != null) {
                anomalies.add(w.anomalyTopic());
              }
              deadLettersByCluster
                  .computeIfAbsent(w.cluster(), k -> new HashSet<>())
                  .addAll(w.deadLetters());
            });
    for (var it = readers.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!byCluster.containsKey(entry.getKey())) {
        entry.getValue().close();
        it.remove();
      }
    }
    byCluster.forEach(
        (cluster, prefixes) -> {
          ClusterReader reader = readers.get(cluster);
          if (reader == null) {
            if (readers.size() >= maxClusters) {
              if (!refused.add(cluster)) {
                return;
              }
              LOG.warn(
                  "Not watching heartbeats on {}: already {} Kafka clusters (the limit); stall"
                      + " detection is off for its pipelines",
                  cluster,
                  maxClusters);
              return;
            }
            Map<String, Object> props = new HashMap<>(clientProperties);
            props.putAll(cluster.security());
            reader = new ClusterReader(cluster.bootstrap(), props, pollTimeout, this::anomalyRead);
            readers.put(cluster, reader);
          }
          reader.want(prefixes, anomaliesByCluster.get(cluster), deadLettersByCluster.get(cluster));
        });
  }

  /** Stops every reader and waits for its thread. */
  @Override
  public void close() {
    Collection<ClusterReader> toClose;
    synchronized (this) {
      closed = true;
      toClose = readers.values().stream().toList();
      readers.clear();
      wanted.clear();
    }
    toClose.forEach(ClusterReader::close);
  }
}
