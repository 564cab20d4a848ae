package io.twinlog.operator.observe;

import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.operator.desired.ResourceNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka cluster's reader of Debezium heartbeats, dedup anomalies and dead letters: a thread
 * owning an assign-only, {@code read_committed} consumer (anomalies and the dedup runtime's dead
 * letters are written in its transactions). A heartbeat partition starts at its latest record and
 * only the newest record timestamp per topic is kept; an anomaly partition starts {@link
 * #ANOMALY_LOOKBACK} back (so an operator restart still sees recent anomalies) and the latest
 * record per source and kind is kept; a dead-letter partition starts at its beginning and only a
 * count and the newest record's time and error are kept (dead letters are rare; read_committed
 * leaves transaction markers and aborted records out of the count).
 */
final class ClusterReader {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReader.class);

  /** How often partitions are looked up again (new heartbeat topics, a connector just created). */
  private static final Duration METADATA_REFRESH = Duration.ofSeconds(10);

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrap;
  private final Duration pollTimeout;
  private final Map<String, Object> props;
  // Created on the reader's thread: an unresolvable bootstrap address must not fail the caller.
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;

  /** How far back a newly assigned anomaly partition is read (longer than any hold time). */
  static final Duration ANOMALY_LOOKBACK = Duration.ofHours(6);

  private final Map<String, Instant> latestByTopic = new ConcurrentHashMap<>();
  private final Map<String, Map<String, DedupAnomalyRecord>> anomaliesByTopic =
      new ConcurrentHashMap<>();
  private final Map<String, DeadLetterReading> deadLettersByTopic = new ConcurrentHashMap<>();
  private final Consumer<String> onAnomaly;
  private volatile Set<String> wantedTopics = Set.of();
  private volatile Set<String> anomalyTopics = Set.of();
  private volatile Set<String> deadLetterTopics = Set.of();
  private volatile boolean changed;
  private volatile boolean closed;
  // Why reading fails and since when (the first failure in a row), or null while it reads.
  private volatile Failing failing;

  private record Failing(Instant since, String error) {}

  ClusterReader(
      String bootstrap,
      Map<String, Object> clientProperties,
      Duration pollTimeout,
      Consumer<String> onAnomaly) {
    this.bootstrap = bootstrap;
    this.onAnomaly = onAnomaly;
    this.pollTimeout = pollTimeout;
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "twinlog-operator-heartbeats");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // No group, no commits: the reader only ever wants the newest record.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Anomalies come from exactly-once transactions; heartbeats are not transactional (no effect).
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Never create a heartbeat topic by looking for it.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // Small fetches: heartbeats and anomalies are tiny; a dead letter larger than this still
    // arrives (a fetch always returns at least one record).
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    this.props = props;
    this.thread = new Thread(this::run, "twinlog-heartbeats-" + bootstrap);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Replaces the heartbeat topic prefixes, anomaly and dead-letter topics read; picked up by the
   * reader's next loop.
   */
  void want(Set<String> topicPrefixes, Set<String> anomalies, Set<String> deadLetters) {
    Set<String> topics = new HashSet<>();
    topicPrefixes.forEach(p -> topics.add(ResourceNames.heartbeatTopic(p)));
    topics.addAll(anomalies);
    topics.addAll(deadLetters);
    if (!topics.equals(wantedTopics)) {
      anomalyTopics = Set.copyOf(anomalies);
      deadLetterTopics = Set.copyOf(deadLetters);
      wantedTopics = Set.copyOf(topics);
      changed = true;
      wakeup();
      synchronized (this) {
        notifyAll();
      }
    }
  }

  Optional<Instant> lastSeen(String topicPrefix) {
    return Optional.ofNullable(latestByTopic.get(ResourceNames.heartbeatTopic(topicPrefix)));
  }

  /** The latest anomaly per source and kind read from an anomaly topic. */
  List<DedupAnomalyRecord> anomalies(String topic) {
    Map<String, DedupAnomalyRecord> byKey = anomaliesByTopic.get(topic);
    return byKey == null ? List.of() : List.copyOf(byKey.values());
  }

  /** What a dead-letter topic held when last read; empty before its partitions were found. */
  Optional<DeadLetterReading> deadLetters(String topic) {
    return Optional.ofNullable(deadLettersByTopic.get(topic));
  }

  void close() {
    closed = true;
    wakeup();
    synchronized (this) {
      notifyAll();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void wakeup() {
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  private void run() {
    long nextRefresh = System.nanoTime();
    Duration failureBackoff = Duration.ofSeconds(1);
    boolean warned = false;
    try {
      while (!closed) {
        try {
          if (consumer == null) {
            consumer = new KafkaConsumer<>(props);
          }
          if (changed || System.nanoTime() - nextRefresh >= 0) {
            changed = false;
            assign();
            nextRefresh = System.nanoTime() + METADATA_REFRESH.toNanos();
            // Only an answer from the brokers proves the cluster reads: against unreachable ones a
            // poll returns nothing without failing, and metadata may come from the client's cache.
            if (!consumer.assignment().isEmpty()) {
              consumer.endOffsets(consumer.assignment(), PROBE_TIMEOUT);
              if (failing != null) {
                failing = null;
                wakeOwners();
              }
            }
          }
          if (consumer.assignment().isEmpty()) {
            pause(pollTimeout, true);
            continue;
          }
          // one wake-up per topic and poll: a backlog of dead letters read at start-up is one
          Set<String> newDeadLetters = new HashSet<>();
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
            if (anomalyTopics.contains(record.topic())) {
              anomaly(record);
            } else if (deadLetterTopics.contains(record.topic())) {
              deadLettersByTopic.merge(
                  record.topic(),
                  DeadLetterReading.none()
                      .plus(Instant.ofEpochMilli(record.timestamp()), record.headers()),
                  (before, one) -> before.plus(one.lastAt(), record.headers()));
              newDeadLetters.add(record.topic());
            } else {
              latestByTopic.merge(
                  record.topic(),
                  Instant.ofEpochMilli(record.timestamp()),
                  (a, b) -> a.isAfter(b) ? a : b);
            }
          }
          newDeadLetters.forEach(onAnomaly);
          failureBackoff = Duration.ofSeconds(1);
          warned = false;
        } catch (WakeupException e) {
          // want() or close(): loop checks both.
        } catch (InterruptException e) {
          return;
        } catch (KafkaException e) {
          // Kafka unreachable or a topic vanished: keep the last values, retry later. The stall
          // rule needs a fresh peer, so a reader that sees nothing flags nobody.
          Failing before = failing;
          failing = new Failing(before == null ? Instant.now() : before.since(), e.toString());
          if (before == null) {
            wakeOwners();
          }
          if (!warned) {
            LOG.warn("Reading heartbeats from {} failed, retrying: {}", bootstrap, e.toString());
            warned = true;
          } else {
            LOG.debug("Reading heartbeats from {} failed, retrying: {}", bootstrap, e.toString());
          }
          pause(failureBackoff, false);
          failureBackoff =
              failureBackoff.multipliedBy(2).compareTo(METADATA_REFRESH) > 0
                  ? METADATA_REFRESH
                  : failureBackoff.multipliedBy(2);
          nextRefresh = System.nanoTime();
        }
      }
    } finally {
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
    }
  }

  private void anomaly(ConsumerRecord<byte[], byte[]> record) {
    DedupAnomalyRecord anomaly = AnomalyRecords.parse(record.value());
    if (anomaly == null) {
      LOG.debug("Ignoring an unreadable record on {} at {}", record.topic(), record.offset());
      return;
    }
    DedupAnomalyRecord kept =
        anomaliesByTopic
            .computeIfAbsent(record.topic(), t -> new ConcurrentHashMap<>())
            .merge(anomaly.key(), anomaly, (a, b) -> a.atMs() >= b.atMs() ? a : b);
    if (kept == anomaly) {
      onAnomaly.accept(record.topic());
    }
  }

  /**
   * Tells every pipeline reading this cluster to look again (through its anomaly topic's listener,
   * which maps a topic to its owners): reading started or stopped failing, which their status says,
   * and nothing else would wake them.
   */
  private void wakeOwners() {
    anomalyTopics.forEach(onAnomaly);
  }

  /**
   * Why this reader cannot read its cluster (authentication refused, a topic not authorized, the
   * brokers gone past the client's timeout) and since when, or empty while it reads. Kafka's
   * messages name the mechanism and the topic, never a credential.
   */
  Optional<String> failure() {
    Failing now = failing;
    return now == null
        ? Optional.empty()
        : Optional.of(
            "failing since "
                + now.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ": "
                + now.error());
  }

  /**
   * Assigns every partition of the wanted topics; a new heartbeat partition starts at its latest
   * record, a new anomaly partition {@link #ANOMALY_LOOKBACK} back.
   */
  private void assign() {
    Set<String> topics = wantedTopics;
    latestByTopic.keySet().retainAll(topics);
    anomaliesByTopic.keySet().retainAll(topics);
    deadLettersByTopic.keySet().retainAll(topics);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos != null) {
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        if (deadLetterTopics.contains(topic)
            && deadLettersByTopic.putIfAbsent(topic, DeadLetterReading.none()) == null) {
          // found: a topic with nothing on it reads as zero dead letters, not as unknown, and its
          // owners hear of it now (an empty topic brings no record that would wake them later)
          onAnomaly.accept(topic);
        }
      }
    }
    Set<TopicPartition> before = consumer.assignment();
    List<TopicPartition> added = partitions.stream().filter(p -> !before.contains(p)).toList();
    if (added.isEmpty() && before.size() == partitions.size()) {
      return;
    }
    consumer.assign(partitions);
    if (!added.isEmpty()) {
      Map<TopicPartition, Long> since = new HashMap<>();
      added.stream()
          .filter(p -> anomalyTopics.contains(p.topic()))
          .forEach(p -> since.put(p, System.currentTimeMillis() - ANOMALY_LOOKBACK.toMillis()));
      Map<TopicPartition, OffsetAndTimestamp> found =
          since.isEmpty() ? Map.of() : consumer.offsetsForTimes(since);
      consumer
          .endOffsets(added)
          .forEach(
              (partition, end) -> {
                if (since.containsKey(partition)) {
                  OffsetAndTimestamp at = found.get(partition);
                  consumer.seek(partition, at == null ? end : at.offset());
                } else if (deadLetterTopics.contains(partition.topic())) {
                  consumer.seekToBeginning(List.of(partition));
                } else {
                  consumer.seek(partition, Math.max(0, end - 1));
                }
              });
    }
  }

  /** Idles; {@code wakeOnChange}: a new set of topics ends the pause (not after a failure). */
  private void pause(Duration duration, boolean wakeOnChange) {
    // Not a wait for a condition: the reader idles between polls, and close() interrupts it.
    try {
      synchronized (this) {
        if (!closed && !(wakeOnChange && changed)) {
          wait(duration.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }
}
