package io.twinlog.dedup.it;

import static io.twinlog.dedup.it.KafkaFixture.TABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.twinlog.dedup.DedupRuntime;
import io.twinlog.dedup.fixtures.Change;
import io.twinlog.testkit.EmbeddedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime against a real in-JVM broker with exactly-once: a crash mid-stream, and two instances
 * sharing partitions. Every check reads the output with read_committed.
 */
class DedupRuntimeIT {
  static EmbeddedKafka kafka;

  @TempDir Path tmp;

  @BeforeAll
  static void startKafka() {
    // The broker aborts a crashed instance's timed-out transaction within a second, not ten.
    kafka =
        EmbeddedKafka.start(
            Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * Kills the instance (SIGKILL, no commit, transaction left open) mid-stream and starts a new one
   * on the same application id with an empty state directory: it restores state from the
   * changelogs, and the output has no duplicate and no gap.
   */
  @Test
  void exactlyOnceAcrossACrash() throws Exception {
    KafkaFixture f = new KafkaFixture(kafka, "crash");
    List<Change> changes = KafkaFixture.primary(400, 1);
    f.produce(f.a.emit(changes, 0, 250));
    f.produce(f.b.emit(changes, 0, 120));

    Path logs = Files.createTempDirectory("dedup-it-logs");
    Process first = startChild(f.env(tmp.resolve("state-1")), logs.resolve("first.log"));
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> kafka.consume(f.outputTopic(), 100, Duration.ofMillis(500)).size() >= 100);
      f.produce(f.b.emit(changes, 100, 300)); // B restarted inside its history: replays
      f.produce(f.a.emit(changes, 250, 330));
    } finally {
      first.destroyForcibly().waitFor();
    }
    f.produce(f.a.emit(changes, 330, changes.size()));
    f.produce(f.b.emit(changes, 300, changes.size()));

    Process second = startChild(f.env(tmp.resolve("state-2")), logs.resolve("second.log"));
    try {
      await().atMost(Duration.ofSeconds(120)).until(f::caughtUp);
    } finally {
      second.destroy();
      second.waitFor();
    }
    List<ConsumerRecord<String, String>> out = f.committedOutput();
    assertThat(KafkaFixture.perKey(out)).isEqualTo(KafkaFixture.expectedPerKey(changes));
    assertThat(out).hasSize(changes.size());
    assertThat(KafkaFixture.changeIds(out)).hasSize(changes.size());
  }

  /**
   * Ready means every source table topic is read: RUNNING with a table whose topics do not exist
   * yet is not ready (and says which), and becomes ready once they exist and are assigned.
   */
  @Test
  void readyOnlyOnceEverySourceTopicIsAssigned() throws Exception {
    KafkaFixture f = new KafkaFixture(kafka, "ready");
    Map<String, String> env = f.env(tmp.resolve("ready"));
    env.put(io.twinlog.contracts.DedupRuntimeEnv.TABLES, TABLE + ",shop.items");
    try (DedupRuntime runtime = DedupRuntime.start(env)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> running(runtime));
      HttpResponse<String> notYet = get(runtime.metricsPort(), "/readyz");
      assertThat(notYet.statusCode()).isEqualTo(503);
      assertThat(notYet.body())
          .contains("not assigned yet")
          .contains(f.a.topic("shop.items"))
          .contains(f.b.topic("shop.items"))
          .doesNotContain(f.a.topic(TABLE));

      kafka.createTopic(f.a.topic("shop.items"), KafkaFixture.PARTITIONS);
      kafka.createTopic(f.b.topic("shop.items"), KafkaFixture.PARTITIONS);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(runtime.metricsPort(), "/readyz").statusCode() == 200);
    }
  }

  /**
   * A second instance joins (partitions move to it), then the first leaves gracefully: per-key
   * order and exactly-once hold across both rebalances; metrics and probes answer over HTTP.
   */
  @Test
  void twoInstancesSharePartitions() throws Exception {
    KafkaFixture f = new KafkaFixture(kafka, "rebalance");
    List<Change> changes = KafkaFixture.primary(300, 2);
    f.produce(f.a.emit(changes, 0, 100));
    f.produce(f.b.emit(changes, 0, 60));
    List<DedupRuntime> open = new ArrayList<>();
    try (DedupRuntime one = DedupRuntime.start(f.env(tmp.resolve("one")))) {
      open.add(one);
      await().atMost(Duration.ofSeconds(60)).until(() -> one.state() == KafkaStreams.State.RUNNING);
      assertThat(get(one.metricsPort(), "/readyz").statusCode()).isEqualTo(200);

      DedupRuntime two = DedupRuntime.start(f.env(tmp.resolve("two")));
      open.add(two);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> running(one) && running(two) && activeTasks(two) > 0);
      f.produce(f.b.emit(changes, 60, 200));
      f.produce(f.a.emit(changes, 100, 220));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  two.metrics().count("records_in_total", "source", "replica-a", "table", TABLE)
                      > 0);
      one.close();
      f.produce(f.a.emit(changes, 220, changes.size()));
      f.produce(f.b.emit(changes, 180, changes.size()));
      await().atMost(Duration.ofSeconds(90)).until(f::caughtUp);

      HttpResponse<String> metrics = get(two.metricsPort(), "/metrics");
      assertThat(metrics.body())
          .contains("twinlog_dedup_records_out_total{table=\"shop.orders\"}")
          .contains("twinlog_dedup_duplicates_dropped_total")
          .contains("twinlog_dedup_source_lag_ms{source=\"replica-b\"}")
          .contains("twinlog_dedup_stored_minus_sent");
      assertThat(get(two.metricsPort(), "/livez").statusCode()).isEqualTo(200);
    } finally {
      open.forEach(DedupRuntime::close);
    }
    List<ConsumerRecord<String, String>> out = f.committedOutput();
    assertThat(KafkaFixture.perKey(out)).isEqualTo(KafkaFixture.expectedPerKey(changes));
    assertThat(KafkaFixture.changeIds(out)).hasSize(changes.size());
  }

  private static boolean running(DedupRuntime runtime) {
    return runtime.state() == KafkaStreams.State.RUNNING;
  }

  private static long activeTasks(DedupRuntime runtime) {
    return runtime.streams().metadataForLocalThreads().stream()
        .mapToLong(t -> t.activeTasks().size())
        .sum();
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /** The runtime's main class in a child JVM, so it can be killed without a clean shutdown. */
  private static Process startChild(Map<String, String> env, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1", // starts faster; this JVM only lives for seconds
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-cp",
            System.getProperty("java.class.path"),
            DedupRuntime.class.getName());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }
}
