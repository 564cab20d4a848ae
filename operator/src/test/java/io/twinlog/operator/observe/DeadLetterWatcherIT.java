package io.twinlog.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead letters as the operator reads them, on a real broker: the sink's (plain records with the ERP
 * sink's headers) and the dedup runtime's (written in transactions, one of them aborted) are
 * counted from the start of the topic, read_committed, with the newest one's time and error, and a
 * new one wakes the owner up.
 */
class DeadLetterWatcherIT {
  private static final String SINK_DLQ = "shop.orders.sink-dlq";
  private static final String DEDUP_DLQ = "shop.orders.dedup-dlq";

  private static EmbeddedKafka kafka;
  private static HeartbeatWatcher watcher;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    kafka.createTopic(SINK_DLQ, 1);
    kafka.createTopic(DEDUP_DLQ, 2);
    watcher = new HeartbeatWatcher(Map.of(), 4, Duration.ofMillis(200));
  }

  @AfterAll
  static void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static ProducerRecord<byte[], byte[]> refused(int status, String answer) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(SINK_DLQ, bytes("k"), bytes("{\"op\":\"u\"}"));
    record.headers().add(ErpSinkConfigKeys.DLQ_HEADER_STATUS, bytes(Integer.toString(status)));
    record.headers().add(ErpSinkConfigKeys.DLQ_HEADER_RESPONSE, bytes(answer));
    return record;
  }

  private static ProducerRecord<byte[], byte[]> unreadable(int partition, String message) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(DEDUP_DLQ, partition, bytes("k"), bytes("not an envelope"));
    record.headers().add(ChangeHeaders.ERROR_CLASS, bytes("NotAnEnvelope"));
    record.headers().add(ChangeHeaders.ERROR_MESSAGE, bytes(message));
    return record;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> transactional() {
    Map<String, Object> props = new HashMap<>(kafka.clientProps());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dedup-test");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
    producer.initTransactions();
    return producer;
  }

  @Test
  void countsCommittedDeadLettersFromTheStartAndKeepsTheNewestError() throws Exception {
    // Written before the operator looks: an operator restart must still count them.
    try (KafkaProducer<byte[], byte[]> producer = kafka.bytesProducer()) {
      producer.send(refused(422, "{\"error\":\"unknown customer\"}")).get();
      producer.send(refused(400, "{\"error\":\n  \"invoice  total negative\"}")).get();
    }
    try (KafkaProducer<byte[], byte[]> producer = transactional()) {
      producer.beginTransaction();
      producer.send(unreadable(0, "first")).get();
      producer.send(unreadable(1, "second")).get();
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(unreadable(0, "aborted: never emitted")).get();
      producer.abortTransaction();
    }
    List<String> woken = new CopyOnWriteArrayList<>();
    watcher.onAnomaly(woken::add);
    KafkaCluster cluster = KafkaCluster.plain(kafka.bootstrapServers());

    watcher.watch("shop/orders", cluster, List.of(), null, List.of(SINK_DLQ, DEDUP_DLQ));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(watcher.deadLetters(cluster, SINK_DLQ))
                  .hasValueSatisfying(
                      r -> {
                        assertThat(r.count()).isEqualTo(2);
                        assertThat(r.lastError())
                            .isEqualTo("ERP answered 400: {\"error\": \"invoice total negative\"}");
                        assertThat(r.lastAt()).isNotNull();
                      });
              assertThat(watcher.deadLetters(cluster, DEDUP_DLQ))
                  .as("two committed, the aborted one and the transaction markers not counted")
                  .hasValueSatisfying(r -> assertThat(r.count()).isEqualTo(2));
            });
    assertThat(woken).contains("shop/orders");

    woken.clear();
    try (KafkaProducer<byte[], byte[]> producer = kafka.bytesProducer()) {
      ProducerRecord<byte[], byte[]> unanswered = refused(-1, "");
      unanswered
          .headers()
          .add(ChangeHeaders.ERROR_CLASS, bytes("io.twinlog.erp.ErpDeliveryException"))
          .add(ChangeHeaders.ERROR_MESSAGE, bytes("no answer within 30000 ms, 12 attempts"));
      producer.send(unanswered).get();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(watcher.deadLetters(cluster, SINK_DLQ))
                    .hasValueSatisfying(
                        r ->
                            assertThat(r.lastError())
                                .as("no HTTP answer: the sink's error message says why")
                                .isEqualTo(
                                    "ErpDeliveryException: no answer within 30000 ms, 12"
                                        + " attempts")));
    try (KafkaProducer<byte[], byte[]> producer = kafka.bytesProducer()) {
      producer.send(refused(409, "x".repeat(1000))).get();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(watcher.deadLetters(cluster, SINK_DLQ))
                    .hasValueSatisfying(
                        r -> {
                          assertThat(r.count()).isEqualTo(4);
                          assertThat(r.lastError())
                              .startsWith("ERP answered 409: xxx")
                              .endsWith("...")
                              .hasSize(DeadLetterReading.MAX_ERROR);
                        }));
    assertThat(woken).as("a new dead letter reconciles its pipeline").contains("shop/orders");
  }

  @Test
  void aTopicWithNothingOnItReadsAsZeroNotUnknown() {
    String empty = "shop.empty.sink-dlq";
    kafka.createTopic(empty, 1);
    List<String> woken = new CopyOnWriteArrayList<>();
    watcher.onAnomaly(woken::add);
    KafkaCluster cluster = KafkaCluster.plain(kafka.bootstrapServers());
    watcher.watch("shop/empty", cluster, List.of(), null, List.of(empty));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(watcher.deadLetters(cluster, empty))
                  .hasValueSatisfying(r -> assertThat(r.count()).isZero());
              assertThat(woken)
                  .as("found with nothing on it: no record will wake the owner, so finding it does")
                  .contains("shop/empty");
            });
    assertThat(watcher.deadLetters(cluster, "shop.never-created.sink-dlq")).isEmpty();
  }
}
