package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectRestException;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink in a real Connect worker against a real (local) HTTP server that fails in every way the
 * sink must survive: nothing is lost, nothing is stored twice, per-key order holds.
 */
class ErpSinkIT {
  private static final String TOPIC = "shop.dedup.shop.orders";
  private static final String DLQ = "shop.erp.dlq";
  private static final int KEYS = 200;
  private static final int CHANGES_PER_KEY = 50;

  private static EmbeddedKafka kafka;
  private static EmbeddedConnect connect;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    connect = EmbeddedConnect.start(kafka);
  }

  @AfterAll
  static void stop() {
    if (connect != null) {
      connect.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** The config the operator generates for the sink KafkaConnector (see the README). */
  static Map<String, String> sinkConfig(String url, String topic, String dlq) {
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", ErpSinkConfigKeys.CONNECTOR_CLASS);
    config.put("tasks.max", "2");
    config.put("topics", topic);
    config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", dlq);
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    config.put("errors.log.enable", "false");
    config.put(ErpSinkConfigKeys.URL, url);
    config.put(ErpSinkConfigKeys.AUTH_TYPE, "bearer");
    config.put(ErpSinkConfigKeys.AUTH_TOKEN, "${secrets:shop/erp-token:token}");
    return config;
  }

  @Test
  void badConfigIsRefusedAtCreationWithAClearMessage() {
    Map<String, String> config = sinkConfig("ftp://erp.internal/x", "bad-topic", "bad-dlq");
    config.put(ErpSinkConfigKeys.TIMEOUT_MS, "-1");
    config.put(ErpSinkConfigKeys.AUTH_TYPE, "kerberos");
    assertThatThrownBy(() -> connect.rest().createConnector("erp-bad", config))
        .isInstanceOfSatisfying(
            ConnectRestException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
        .hasMessageContaining("erp.url must start with http:// or https://")
        .hasMessageContaining(ErpSinkConfigKeys.TIMEOUT_MS)
        .hasMessageContaining(ErpSinkConfigKeys.AUTH_TYPE);
  }

  @Test
  void deliversEveryChangeOnceInKeyOrderThroughFailuresAndARestart() throws Exception {
    kafka.createTopic(TOPIC, 3);
    Set<String> refused = new HashSet<>();
    IntStream.range(0, 10).forEach(k -> refused.add(k * 7 + "/" + (k + 3)));
    SimulatedErp erp =
        new SimulatedErp(
            2_000, 1_500, Set.of(3_000, 3_001, 3_002), Set.of(1_000, 4_000, 6_000), 1_500, refused);
    connect.putSecret("shop", "erp-token", "token", "s3cret-token");
    try (ErpTestServer server = new ErpTestServer()) {
      server.behave(
          request ->
              "Bearer s3cret-token".equals(request.header("Authorization"))
                  ? erp.answer(request)
                  : ErpTestServer.Reply.status(401, "who are you"));
      Map<String, String> config = sinkConfig(server.url(), TOPIC, DLQ);
      config.put(ErpSinkConfigKeys.TIMEOUT_MS, "500");
      config.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "20");
      config.put(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "1000");
      config.put(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, "30");
      ConnectRest rest = connect.rest();
      rest.createConnector("erp", config);

      try (KafkaProducer<String, String> producer = kafka.stringProducer()) {
        DebeziumSamples.produce(producer, TOPIC, KEYS, CHANGES_PER_KEY);
      }
      int expected = KEYS * CHANGES_PER_KEY - refused.size();

      await().atMost(Duration.ofSeconds(90)).until(() -> erp.acceptedCount() >= expected / 2);
      rest.restartTask("erp", 0);

      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(() -> assertThat(erp.acceptedCount()).isEqualTo(expected));
      List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(refused);

      Set<String> missing = new HashSet<>();
      for (int key = 0; key < KEYS; key++) {
        for (int seq = 0; seq < CHANGES_PER_KEY; seq++) {
          String id = key + "/" + seq;
          if (!refused.contains(id) && !erp.accepted.containsKey(id)) {
            missing.add(id);
          }
        }
      }
      assertThat(missing).isEmpty();
      assertThat(erp.accepted.keySet()).doesNotContainAnyElementsOf(refused);
      assertThat(erp.orderViolations).isEmpty();
      // Every fault really happened.
      assertThat(erp.unavailableAnswers.get()).isPositive();
      assertThat(erp.throttledAnswers.get()).isEqualTo(3);
      // A slow request that carries a refused change is answered 400 instead: at least one of
      // three.
      assertThat(erp.slowAnswers.get()).isPositive();
      // A refused change is answered 400 once, or again when the task restart re-delivered it
      // before its offset was committed (Connect's delivery is at-least-once; so is its DLQ).
      assertThat(erp.refusedIds).isEqualTo(refused);
      assertThat(erp.refusedAnswers.get()).isGreaterThanOrEqualTo(refused.size());

      assertThat(dead).hasSizeGreaterThanOrEqualTo(refused.size());
      Set<String> deadIds = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> record : dead) {
        deadIds.add(header(record, ChangeHeaders.CHANGE_ID));
        assertThat(header(record, ErpSinkConfigKeys.DLQ_HEADER_STATUS)).isEqualTo("400");
        // 400 is never retried, but the record may have met the 503 phase first (timing).
        assertThat(Integer.parseInt(header(record, ErpSinkConfigKeys.DLQ_HEADER_ATTEMPTS)))
            .isPositive();
        assertThat(header(record, ErpSinkConfigKeys.DLQ_HEADER_RESPONSE))
            .contains("customer unknown");
        assertThat(header(record, ErpSinkConfigKeys.DLQ_HEADER_IDEMPOTENCY_KEY))
            .isEqualTo(header(record, ChangeHeaders.CHANGE_ID));
        assertThat(header(record, "__connect.errors.exception.class.name"))
            .isEqualTo(ErpDeliveryException.class.getName());
        assertThat(header(record, "__connect.errors.exception.message"))
            .contains("400")
            .doesNotContain("s3cret");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"op\":\"u\"");
      }
      assertThat(deadIds).isEqualTo(refused);

      assertThat(rest.status("erp").isRunning()).isTrue();
      ObjectName metrics =
          new ObjectName("kafka.connect:type=erp-sink-task-metrics,connector=erp,task=1");
      assertThat(
              (Long)
                  ManagementFactory.getPlatformMBeanServer()
                      .getAttribute(metrics, "records-sent-total"))
          .isPositive();
      System.out.printf(
          "ErpSinkIT: %d changes stored, %d duplicate posts absorbed by the idempotency key,"
              + " %d x 503, %d x 429, %d slow, %d x 400 dead-lettered%n",
          erp.acceptedCount(),
          erp.duplicates(),
          erp.unavailableAnswers.get(),
          erp.throttledAnswers.get(),
          erp.slowAnswers.get(),
          dead.size());
      rest.delete("erp");
    }
  }

  /** Reads the dead-letter topic until every one of {@code ids} is there. */
  private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(Set<String> ids) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = kafka.bytesConsumer("dlq-reader")) {
      consumer.subscribe(List.of(DLQ));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                Set<String> seen = new HashSet<>();
                records.forEach(record -> seen.add(header(record, ChangeHeaders.CHANGE_ID)));
                return seen.containsAll(ids);
              });
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
