package io.twinlog.webhook.bench;

import static io.twinlog.webhook.fixtures.WebhookClient.event;

import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.webhook.WebhookReceiver;
import io.twinlog.webhook.dedup.EventDedup;
import io.twinlog.webhook.fixtures.Receivers;
import io.twinlog.webhook.fixtures.WebhookClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * Webhooks/s one receiver sustains and the latency to Kafka's acknowledgement, at several client
 * concurrencies; then the dedup step's state per remembered event id. Prints figures, asserts
 * nothing (docs/benchmarks.md, section webhook-receiver).
 *
 * <p>Args: {@code [secondsPerLevel=10] [concurrencies=1,8,32,64] [dedupEvents=100000]}.
 */
public final class WebhookReceiverBenchmark {
  static final String TOPIC = "bench.webhooks";

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int[] levels =
        Arrays.stream((args.length > 1 ? args[1] : "1,8,32,64").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int dedupEvents = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(TOPIC, 3);
      Map<String, String> env = Receivers.hmacEnv(kafka.bootstrapServers(), TOPIC);
      try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
        URI uri = URI.create("http://127.0.0.1:" + receiver.port() + "/webhook");
        run(receiver, uri, 8, 3, "warm-up");
        System.out.printf(
            "%-12s %10s %9s %9s %9s%n", "concurrency", "webhooks/s", "p50", "p99", "errors");
        for (int level : levels) {
          run(receiver, uri, level, seconds, null);
        }
        // Micrometer's percentiles cover a decaying window of about two minutes: all levels.
        ValueAtPercentile[] ack = receiver.metrics().ackLatency().takeSnapshot().percentileValues();
        System.out.printf(
            "receiver's own ack timer (producer send -> ack, all levels): p50 %.1f ms, p99 %.1f ms,"
                + " %d acks%n",
            ack[0].value(TimeUnit.MILLISECONDS),
            ack[1].value(TimeUnit.MILLISECONDS),
            receiver.metrics().ackLatency().count());
      }
      measureDedupState(kafka, dedupEvents);
    }
    System.exit(0);
  }

  static void run(WebhookReceiver receiver, URI uri, int clients, int seconds, String label)
      throws Exception {
    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Thread[] threads = new Thread[clients];
    for (int c = 0; c < clients; c++) {
      int me = c;
      threads[c] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    WebhookClient client = new WebhookClient(uri, Receivers.SECRET);
                    long[] mine = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < end) {
                      String id = "b-" + me + "-" + n + "-" + System.nanoTime();
                      String body = event(id, "inv-" + (n % 500), n);
                      long start = System.nanoTime();
                      try {
                        HttpResponse<String> response = client.post(body);
                        if (response.statusCode() != 200) {
                          errors.incrementAndGet();
                          continue;
                        }
                      } catch (Exception e) {
                        errors.incrementAndGet();
                        continue;
                      }
                      if (n == mine.length) {
                        mine = Arrays.copyOf(mine, mine.length * 2);
                      }
                      mine[n++] = System.nanoTime() - start;
                    }
                    latencies[me] = mine;
                    counts[me] = n;
                  });
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) total];
    int at = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies[c], 0, all, at, counts[c]);
      at += counts[c];
    }
    Arrays.sort(all);
    if (label != null) {
      System.out.printf("%s: %d webhooks in %d s%n", label, total, seconds);
      return;
    }
    // Latency as the ERP sees it: request sent -> 200, which the receiver answers only after
    // Kafka acknowledged the record, so it bounds the time to the ack from above.
    System.out.printf(
        "%-12d %10.0f %7.1fms %7.1fms %9d%n",
        clients,
        total / (double) seconds,
        percentile(all, 0.50),
        percentile(all, 0.99),
        errors.get());
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  /** Remembers {@code events} distinct ids and reports the store's and changelog's bytes per id. */
  static void measureDedupState(EmbeddedKafka kafka, int events) throws Exception {
    String input = "bench.dedup.in";
    kafka.createTopic(input, 1);
    kafka.createTopic("bench.dedup.out", 1);
    try (var producer = kafka.bytesProducer()) {
      for (int i = 0; i < events; i++) {
        var record =
            new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(
                input, ("inv-" + (i % 500)).getBytes(), "{}".getBytes());
        // A typical ERP event id: a UUID (36 characters).
        record
            .headers()
            .add(
                io.twinlog.contracts.ChangeHeaders.CHANGE_ID,
                java.util.UUID.randomUUID().toString().getBytes());
        producer.send(record);
      }
      producer.flush();
    }
    Path state = Files.createTempDirectory("twinlog-webhook-dedup-bench");
    Map<String, String> env = new HashMap<>();
    env.put(WebhookReceiverEnv.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    env.put(WebhookReceiverEnv.TOPIC, input);
    env.put(WebhookReceiverEnv.DEDUP_OUTPUT_TOPIC, "bench.dedup.out");
    env.put(WebhookReceiverEnv.DEDUP_STATE_DIR, state.toString());
    env.put(WebhookReceiverEnv.MANAGEMENT_PORT, "0");
    env.put(WebhookReceiverEnv.DEDUP_APPLICATION_ID, "bench-dedup");
    long start = System.nanoTime();
    double secondsTaken;
    long changelogBytes;
    try (EventDedup dedup = EventDedup.start(env)) {
      Awaitility.await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> dedup.metrics().written() >= events);
      secondsTaken = (System.nanoTime() - start) / 1e9;
      // Let the last commit reach the changelog before it is measured.
      Thread.sleep(2000);
      changelogBytes = topicBytes(kafka, "bench-dedup-twinlog-webhook-seen-changelog");
    }
    // Closed: RocksDB flushed its memtable, so the SST files hold everything.
    long stateBytes = directoryBytes(state);
    {
      System.out.printf(
          "dedup: %d distinct ids (UUIDs) in %.1f s (%.0f/s incl. start-up);"
              + " changelog %d bytes = %.1f B/id; local state dir %d bytes = %.1f B/id"
              + " (after close: SST files, RocksDB's log and options files)%n",
          events,
          secondsTaken,
          events / secondsTaken,
          changelogBytes,
          changelogBytes / (double) events,
          stateBytes,
          stateBytes / (double) events);
    }
  }

  static long topicBytes(EmbeddedKafka kafka, String topic) throws Exception {
    Map<Integer, Map<String, LogDirDescription>> dirs =
        kafka
            .admin()
            .describeLogDirs(
                kafka.admin().describeCluster().nodes().get().stream()
                    .map(org.apache.kafka.common.Node::id)
                    .toList())
            .allDescriptions()
            .get();
    long bytes = 0;
    for (Map<String, LogDirDescription> byDir : dirs.values()) {
      for (LogDirDescription dir : byDir.values()) {
        for (var entry : dir.replicaInfos().entrySet()) {
          TopicPartition tp = entry.getKey();
          if (tp.topic().equals(topic)) {
            bytes += entry.getValue().size();
          }
        }
      }
    }
    return bytes;
  }

  static long directoryBytes(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
