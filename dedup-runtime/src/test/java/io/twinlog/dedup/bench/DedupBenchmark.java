package io.twinlog.dedup.bench;

import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.dedup.DedupRuntime;
import io.twinlog.dedup.fixtures.Change;
import io.twinlog.dedup.fixtures.ChangeLog;
import io.twinlog.dedup.fixtures.SourceSim;
import io.twinlog.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Throughput, state size and added latency of the dedup runtime on an in-JVM broker, against a
 * pass-through Kafka Streams topology over the same topics with the same exactly-once settings. Not
 * run by {@code verify}. Properties: {@code bench.changes} (default 1,000,000), {@code
 * bench.partitions} (3), {@code bench.gtids} (true), {@code bench.latency.changes} (2,000). Both
 * phases print their rate per 100,000 records consumed (committed offsets, so a slice ends at a
 * commit), which shows whether the per-record cost stays flat as the history grows.
 */
public final class DedupBenchmark {
  static final String TABLE = "shop.orders";
  static final int KEYS = 10_000;

  /** The progress print's slice: the rate of every 100,000 records consumed. */
  static final long SLICE = 100_000;

  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("bench.changes", 1_000_000);
    int partitions = Integer.getInteger("bench.partitions", 3);
    boolean gtids = Boolean.parseBoolean(System.getProperty("bench.gtids", "true"));
    // The transform's headers (the exact rule), as the operator's connectors write them; false
    // gives the GTID rule that decides records without them.
    boolean positions = Boolean.parseBoolean(System.getProperty("bench.positions", "true"));
    int latencyChanges = Integer.getInteger("bench.latency.changes", 2_000);
    Path work = Files.createTempDirectory("dedup-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      SourceSim a = new SourceSim("bench-a", 0, false, positions);
      SourceSim b = new SourceSim("bench-b", 1, false, positions);
      System.out.printf(
          "rule: %s%n", !gtids ? "content (no GTIDs)" : positions ? "exact position" : "GTID");
      for (String t : List.of(a.topic(TABLE), b.topic(TABLE), "dedup." + TABLE, "pass." + TABLE)) {
        kafka.createTopic(t, partitions);
      }
      long t0 = System.nanoTime();
      produce(kafka, a, b, 0, n, gtids, false);
      System.out.printf("loaded 2 x %,d changes in %.1f s%n", n, secs(t0));

      long passStart;
      try (KafkaStreams pass = passThrough(kafka, a, b, work.resolve("pass"))) {
        pass.start();
        waitRunning(pass); // the clocks start once the group formed: start-up is not throughput
        passStart = System.nanoTime();
        waitCaughtUp(kafka, "bench-pass", a, b, partitions);
      }
      double passSecs = secs(passStart);

      Map<String, String> env = env(kafka, a, b, work.resolve("dedup"));
      try (DedupRuntime runtime = DedupRuntime.start(env)) {
        waitRunning(runtime.streams());
        long dedupStart = System.nanoTime();
        waitCaughtUp(kafka, "bench-dedup", a, b, partitions);
        double dedupSecs = secs(dedupStart);
        double out = runtime.metrics().count("records_out_total", "table", TABLE);
        System.out.printf(
            "pass-through: %,d records in %.1f s = %,.0f records/s in (and out)%n",
            2L * n, passSecs, 2.0 * n / passSecs);
        System.out.printf(
            "dedup:        %,d records in %.1f s = %,.0f records/s in, %,.0f changes/s out (%,.0f out)%n",
            2L * n, dedupSecs, 2.0 * n / dedupSecs, out / dedupSecs, out);
        System.out.printf(
            "ratio (input drained per second, dedup / pass-through): %.2f%n", passSecs / dedupSecs);

        List<Long> latencies = latency(kafka, a, b, n, latencyChanges, gtids);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
            "added latency (append -> read_committed), %d changes at ~200/s: p50 %d ms, p99 %d ms, max %d ms%n",
            sorted.length,
            sorted[sorted.length / 2],
            sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)],
            sorted[sorted.length - 1]);
      }
      // after close: RocksDB flushed its memtables, so the files hold what the store holds
      long storeBytes = du(work.resolve("dedup"));
      long changelogBytes = changelogBytes(kafka);
      System.out.printf(
          "state: store %,d bytes + changelog %,d bytes = %.1f bytes per change (%,d changes)%n",
          storeBytes, changelogBytes, (storeBytes + changelogBytes) / (double) n, n);
    }
    System.exit(0);
  }

  static Map<String, String> env(EmbeddedKafka kafka, SourceSim a, SourceSim b, Path state) {
    Map<String, String> env = new HashMap<>();
    env.put(DedupRuntimeEnv.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    env.put(DedupRuntimeEnv.APPLICATION_ID, "bench-dedup");
    env.put(DedupRuntimeEnv.SOURCES, "a=" + a.prefix() + ",b=" + b.prefix());
    env.put(DedupRuntimeEnv.TABLES, TABLE);
    env.put(DedupRuntimeEnv.OUTPUT_TOPIC_PREFIX, "dedup");
    env.put(DedupRuntimeEnv.DEAD_LETTER_TOPIC, "dedup.dead-letters");
    env.put(DedupRuntimeEnv.STATE_DIR, state.toString());
    env.put(DedupRuntimeEnv.METRICS_PORT, "0");
    return env;
  }

  static KafkaStreams passThrough(EmbeddedKafka kafka, SourceSim a, SourceSim b, Path state) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(
            List.of(a.topic(TABLE), b.topic(TABLE)),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to("pass." + TABLE, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-pass");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    return new KafkaStreams(builder.build(), props);
  }

  /** Change i: transactions of 3 rows, keys round-robin; B's copy right behind A's. */
  static Change change(int i, boolean gtids) {
    int id = i % KEYS;
    int flag = (i / KEYS) % 2;
    return new Change(
        gtids ? "0-1-" + (1000 + i / 3) : null,
        i % 3 + 1,
        TABLE,
        id,
        'u',
        ChangeLog.image(id, flag),
        ChangeLog.image(id, 1 - flag),
        1_767_225_600_000L + (i / 50) * 1000L);
  }

  static void produce(
      EmbeddedKafka kafka, SourceSim a, SourceSim b, int from, int to, boolean gtids, boolean paced)
      throws InterruptedException {
    Map<String, Object> props = new HashMap<>(kafka.clientProps());
    props.put(ProducerConfig.LINGER_MS_CONFIG, paced ? 0 : 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = from; i < to; i++) {
        Change c = change(i, gtids);
        int totalOrder = c.txRow();
        producer.send(record(a, c, a.value(c, i, totalOrder)));
        producer.send(record(b, c, b.value(c, i, totalOrder)));
        if (paced) {
          Thread.sleep(5); // benchmark pacing (~200 changes/s), not a wait for a condition
        }
      }
      producer.flush();
    }
  }

  /** The change as the source's connector writes it, the transform's headers included. */
  static ProducerRecord<String, String> record(SourceSim source, Change c, String value) {
    List<org.apache.kafka.common.header.Header> headers = new ArrayList<>();
    source
        .headers(c)
        .forEach(
            (k, v) ->
                headers.add(
                    new org.apache.kafka.common.header.internals.RecordHeader(
                        k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    return new ProducerRecord<>(source.topic(TABLE), null, c.key(), value, headers);
  }

  static void waitRunning(KafkaStreams streams) throws InterruptedException {
    while (streams.state() != KafkaStreams.State.RUNNING) {
      Thread.sleep(50); // benchmark clock start, not a test wait
    }
  }

  static void waitCaughtUp(
      EmbeddedKafka kafka, String group, SourceSim a, SourceSim b, int partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (String topic : List.of(a.topic(TABLE), b.topic(TABLE))) {
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    }
    var ends = kafka.admin().listOffsets(latest).all().get();
    long sliceStart = System.nanoTime();
    long nextMark = SLICE;
    long sliceFrom = 0;
    while (true) {
      var committed =
          kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long consumed =
          committed.entrySet().stream()
              .filter(e -> ends.containsKey(e.getKey()))
              .mapToLong(e -> e.getValue().offset())
              .sum();
      if (consumed >= nextMark) {
        // the rate of each slice, not the running mean: a cost that grows with history shows
        // as a falling sequence here long before it moves the average
        System.out.printf(
            "  %s: %,d records consumed, the last %,d at %,.0f records/s%n",
            group, consumed, consumed - sliceFrom, (consumed - sliceFrom) / secs(sliceStart));
        sliceStart = System.nanoTime();
        sliceFrom = consumed;
        nextMark = (consumed / SLICE + 1) * SLICE;
      }
      boolean done =
          ends.entrySet().stream()
              .allMatch(
                  e ->
                      committed.get(e.getKey()) != null
                          && committed.get(e.getKey()).offset() >= e.getValue().offset());
      if (done) {
        return;
      }
      Thread.sleep(200); // polling the group's progress for a benchmark clock, not a test wait
    }
  }

  static List<Long> latency(
      EmbeddedKafka kafka, SourceSim a, SourceSim b, int from, int count, boolean gtids)
      throws Exception {
    List<Long> latencies = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = kafka.bytesConsumer("bench-latency")) {
      List<TopicPartition> parts = new ArrayList<>();
      for (var info : consumer.partitionsFor("dedup." + TABLE)) {
        parts.add(new TopicPartition(info.topic(), info.partition()));
      }
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      Thread producer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      produce(kafka, a, b, from, from + count, gtids, true);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (latencies.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          if (r.value() != null) {
            latencies.add(System.currentTimeMillis() - r.timestamp());
          }
        }
      }
      producer.join();
    }
    return latencies;
  }

  static long changelogBytes(EmbeddedKafka kafka) throws Exception {
    long total = 0;
    List<Integer> brokers =
        kafka.admin().describeCluster().nodes().get().stream().map(node -> node.id()).toList();
    var dirs = kafka.admin().describeLogDirs(brokers).allDescriptions().get();
    for (var byBroker : dirs.values()) {
      for (var dir : byBroker.values()) {
        for (var e : dir.replicaInfos().entrySet()) {
          if (e.getKey().topic().startsWith("bench-dedup-")
              && e.getKey().topic().endsWith("-changelog")) {
            total += e.getValue().size();
          }
        }
      }
    }
    return total;
  }

  static long du(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static double secs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
