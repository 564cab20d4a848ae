package io.twinlog.dedup.it;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.dedup.fixtures.Change;
import io.twinlog.dedup.fixtures.ChangeLog;
import io.twinlog.dedup.fixtures.Describe;
import io.twinlog.dedup.fixtures.SourceSim;
import io.twinlog.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Source topics, a primary change log and read_committed checks on an {@link EmbeddedKafka}. */
final class KafkaFixture {
  static final String TABLE = "shop.orders";
  static final String OUTPUT_PREFIX = "dedup";
  static final int PARTITIONS = 3;

  final EmbeddedKafka kafka;
  final String appId;
  final SourceSim a;
  final SourceSim b;

  KafkaFixture(EmbeddedKafka kafka, String name) {
    this.kafka = kafka;
    this.appId = "dedup-" + name;
    this.a = new SourceSim(name + "-a", 0);
    this.b = new SourceSim(name + "-b", 1);
    kafka.createTopic(a.topic(TABLE), PARTITIONS);
    kafka.createTopic(b.topic(TABLE), PARTITIONS);
    kafka.createTopic(outputTopic(), PARTITIONS);
  }

  String outputTopic() {
    return OUTPUT_PREFIX + "-" + appId + "." + TABLE;
  }

  Map<String, String> env(Path stateDir) {
    Map<String, String> env = new HashMap<>();
    env.put(DedupRuntimeEnv.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    env.put(DedupRuntimeEnv.APPLICATION_ID, appId);
    env.put(DedupRuntimeEnv.SOURCES, "replica-a=" + a.prefix() + ",replica-b=" + b.prefix());
    env.put(DedupRuntimeEnv.TABLES, TABLE);
    env.put(DedupRuntimeEnv.OUTPUT_TOPIC_PREFIX, OUTPUT_PREFIX + "-" + appId);
    env.put(DedupRuntimeEnv.DEAD_LETTER_TOPIC, appId + ".dead-letters");
    env.put(DedupRuntimeEnv.STATE_DIR, stateDir.toString());
    env.put(DedupRuntimeEnv.METRICS_PORT, "0");
    // Small commit interval and session timeout: a crashed member leaves the group in seconds.
    env.put("TWINLOG_KAFKA_COMMIT_INTERVAL_MS", "100");
    env.put("TWINLOG_KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("TWINLOG_KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
    // A killed instance's open transaction blocks read_committed readers until it times out.
    env.put("TWINLOG_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", "5000");
    return env;
  }

  /** A primary with {@code n} rows over 20 keys, in transactions of 1 to 5 rows. */
  static List<Change> primary(int n, long seed) {
    Random random = new Random(seed);
    ChangeLog log = new ChangeLog(true);
    Map<Integer, Integer> flags = new HashMap<>();
    int written = 0;
    while (written < n) {
      int size = 1 + random.nextInt(5);
      List<ChangeLog.Row> rows = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int id = 1 + random.nextInt(20);
        Integer flag = flags.get(id);
        rows.add(
            flag == null
                ? ChangeLog.insert(TABLE, id, 0)
                : ChangeLog.update(TABLE, id, flag, 1 - flag));
        flags.put(id, flag == null ? 0 : 1 - flag);
      }
      log.tx(1_767_225_600_000L + written * 10L, rows);
      written += size;
    }
    return log.changes();
  }

  void produce(List<SourceSim.Out> records) {
    try (KafkaProducer<String, String> producer = kafka.stringProducer()) {
      for (SourceSim.Out out : records) {
        producer.send(new ProducerRecord<>(out.topic(), out.key(), out.value()));
      }
      producer.flush();
    }
  }

  /** True once the application committed every input offset (all input processed). */
  boolean caughtUp() {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          kafka.admin().listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String topic : List.of(a.topic(TABLE), b.topic(TABLE))) {
        for (int p = 0; p < PARTITIONS; p++) {
          latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
      }
      var ends = kafka.admin().listOffsets(latest).all().get();
      return ends.entrySet().stream()
          .allMatch(
              e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue().offset() == 0
                    || (c != null && c.offset() >= e.getValue().offset());
              });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return false;
    }
  }

  /** Everything committed on the output topic, read with read_committed up to its end. */
  List<ConsumerRecord<String, String>> committedOutput() {
    try (KafkaConsumer<String, String> consumer =
        kafka.stringConsumer("check-" + System.nanoTime())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(outputTopic(), p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** Output per key, described, in offset order. */
  static Map<String, List<String>> perKey(List<ConsumerRecord<String, String>> records) {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      if (r.value() != null) {
        byKey
            .computeIfAbsent(r.key(), k -> new ArrayList<>())
            .add(Describe.output(r.key(), r.value()));
      }
    }
    return byKey;
  }

  static Map<String, List<String>> expectedPerKey(List<Change> changes) {
    return changes.stream()
        .collect(
            Collectors.groupingBy(
                Change::key,
                LinkedHashMap::new,
                Collectors.mapping(Describe::change, Collectors.toList())));
  }

  static Set<String> changeIds(List<ConsumerRecord<String, String>> records) {
    return records.stream()
        .map(
            r ->
                new String(
                    r.headers().lastHeader(ChangeHeaders.CHANGE_ID).value(),
                    StandardCharsets.UTF_8))
        .collect(Collectors.toSet());
  }
}
