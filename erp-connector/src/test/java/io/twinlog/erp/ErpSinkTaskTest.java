package io.twinlog.erp;

import static io.twinlog.erp.DebeziumSamples.key;
import static io.twinlog.erp.DebeziumSamples.record;
import static io.twinlog.erp.DebeziumSamples.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.erp.ErpTestServer.Reply;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ErpSinkTaskTest {
  private ErpTestServer server;
  private ErpSinkTask task;

  @BeforeEach
  void startServer() throws Exception {
    server = new ErpTestServer();
  }

  @AfterEach
  void stop() {
    if (task != null) {
      task.stop();
    }
    server.close();
  }

  private RecordingContext start(boolean reporter, Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put("name", "erp-test");
    props.put(ErpSinkConfigKeys.URL, server.url());
    props.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, "3");
    props.put(ErpSinkConfigKeys.TIMEOUT_MS, "2000");
    props.putAll(extra);
    RecordingContext context = new RecordingContext(reporter);
    task = new ErpSinkTask();
    task.initialize(context);
    task.start(props);
    return context;
  }

  private static SinkRecord change(int id, int seq, long offset) {
    return record(key(id), update(id, "0-1-" + seq, 0, "a", 1), offset, id + "/" + seq);
  }

  private List<String> sentKeys() {
    return server.requests().stream().map(ErpTestServer.Request::idempotencyKey).toList();
  }

  @Test
  void aRetriedRecordHoldsBackItsKeyButNotOthersAndARedeliveryDoesNotDoublePost() {
    RecordingContext context = start(true, Map.of());
    AtomicInteger firstAttempts = new AtomicInteger();
    server.behave(
        request ->
            request.idempotencyKey().equals("1/1") && firstAttempts.getAndIncrement() == 0
                ? Reply.status(503, "busy")
                : Reply.ok());
    List<SinkRecord> batch = List.of(change(1, 1, 0), change(2, 1, 1), change(1, 2, 2));

    assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
    assertThat(sentKeys()).containsExactlyInAnyOrder("1/1", "2/1");
    assertThat(context.timeouts).hasSize(1);
    assertThat(
            task.preCommit(
                Map.of(new TopicPartition(DebeziumSamples.TOPIC, 0), new OffsetAndMetadata(0))))
        .containsEntry(new TopicPartition(DebeziumSamples.TOPIC, 0), new OffsetAndMetadata(0));

    task.put(batch); // Connect hands the same batch back after the timeout.
    assertThat(sentKeys()).containsExactlyInAnyOrder("1/1", "2/1", "1/1", "1/2");
    assertThat(sentKeys().indexOf("1/2")).isGreaterThan(sentKeys().lastIndexOf("1/1"));

    task.put(batch); // A rewind (rebalance) redelivers it again: nothing is sent twice.
    assertThat(sentKeys()).hasSize(4);
  }

  @Test
  void aRefusedRecordIsDeadLetteredWithItsReasonInHeaders() {
    RecordingContext context = start(true, Map.of());
    server.behave(
        request ->
            request.idempotencyKey().equals("2/1")
                ? Reply.status(400, "{\"error\":\"unknown customer\"}")
                : Reply.ok());

    task.put(List.of(change(1, 1, 0), change(2, 1, 1), change(2, 2, 2)));

    assertThat(context.reported).hasSize(1);
    SinkRecord dead = context.reported.get(0).record();
    assertThat(dead.kafkaOffset()).isEqualTo(1);
    assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_STATUS)).isEqualTo("400");
    assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_ATTEMPTS)).isEqualTo("1");
    assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_RESPONSE)).contains("unknown customer");
    assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_IDEMPOTENCY_KEY)).isEqualTo("2/1");
    assertThat(header(dead, ChangeHeaders.CHANGE_ID)).isEqualTo("2/1");
    assertThat(header(dead, ChangeHeaders.ERROR_TOPIC)).isEqualTo(DebeziumSamples.TOPIC);
    assertThat(context.reported.get(0).error().getMessage()).contains("400").contains("refused");
    // The key's next record still went out, after the dead-lettered one.
    assertThat(sentKeys()).contains("1/1", "2/1", "2/2");
  }

  @Test
  void exhaustingTheBudgetDeadLettersAfterMaxAttempts() {
    RecordingContext context = start(true, Map.of());
    server.behave(request -> new Reply(429, "slow down", "0", 0));
    List<SinkRecord> batch = List.of(change(1, 1, 0));
    assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
    assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
    task.put(batch);
    assertThat(sentKeys()).hasSize(3);
    assertThat(header(context.reported.get(0).record(), ErpSinkConfigKeys.DLQ_HEADER_ATTEMPTS))
        .isEqualTo("3");
    assertThat(header(context.reported.get(0).record(), ErpSinkConfigKeys.DLQ_HEADER_STATUS))
        .isEqualTo("429");
  }

  @Test
  void retryAfterSetsTheConnectTimeout() {
    RecordingContext context = start(true, Map.of(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "60000"));
    server.behave(request -> new Reply(429, "", "7", 0));
    assertThatThrownBy(() -> task.put(List.of(change(1, 1, 0))))
        .isInstanceOf(RetriableException.class);
    assertThat(context.timeouts.get(0)).isBetween(6_000L, 7_000L);
  }

  @Test
  void timeoutsAndConnectionErrorsAreRetried() throws Exception {
    RecordingContext context = start(true, Map.of(ErpSinkConfigKeys.TIMEOUT_MS, "200"));
    AtomicInteger calls = new AtomicInteger();
    server.behave(
        request -> calls.getAndIncrement() == 0 ? new Reply(200, "", null, 1_000) : Reply.ok());
    List<SinkRecord> batch = List.of(change(1, 1, 0));
    assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
    task.put(batch);
    assertThat(sentKeys()).containsExactly("1/1", "1/1");
    assertThat(context.reported).isEmpty();
  }

  @Test
  void connectionErrorsAreRetriedThenDeadLetteredWithoutAStatus() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    RecordingContext context =
        start(
            true,
            Map.of(
                ErpSinkConfigKeys.URL,
                "http://127.0.0.1:" + closedPort + "/x",
                ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS,
                "2"));
    List<SinkRecord> batch = List.of(change(1, 1, 0));
    assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
    task.put(batch);
    SinkRecord dead = context.reported.get(0).record();
    assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_STATUS)).isEqualTo("-1");
    assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_ATTEMPTS)).isEqualTo("2");
    assertThat(context.reported.get(0).error().getMessage()).contains("ConnectException");
  }

  @Test
  void tombstonesAreSkippedAndDoNotHoldBackOffsets() {
    start(true, Map.of());
    task.put(List.of(record(key(1), null, 0, "t/1"), change(1, 1, 1)));
    assertThat(sentKeys()).containsExactly("1/1");
    var partition = new TopicPartition(DebeziumSamples.TOPIC, 0);
    assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(2))))
        .containsEntry(partition, new OffsetAndMetadata(2));
  }

  @Test
  void anUnmappableValueIsDeadLetteredAtOnce() {
    RecordingContext context = start(true, Map.of());
    task.put(List.of(record(key(1), "not json at all", 0, "x/1")));
    assertThat(sentKeys()).isEmpty();
    assertThat(header(context.reported.get(0).record(), ChangeHeaders.ERROR_MESSAGE))
        .contains("not JSON");
  }

  @Test
  void withoutADeadLetterTopicTheTaskFailsInsteadOfDropping() {
    start(false, Map.of());
    server.behave(request -> Reply.status(422, "bad"));
    assertThatThrownBy(() -> task.put(List.of(change(1, 1, 0))))
        .isInstanceOf(ConnectException.class)
        .isNotInstanceOf(RetriableException.class)
        .hasMessageContaining("errors.deadletterqueue.topic.name")
        .hasMessageContaining("422");
  }

  @Test
  void batchesCarryOneRecordPerKeyAndARefusedBatchIsSplitToFindTheBadRecord() throws Exception {
    RecordingContext context = start(true, Map.of(ErpSinkConfigKeys.BATCH_MAX_RECORDS, "10"));
    server.behave(
        request ->
            request.elements().stream().anyMatch(e -> e.get("changeId").asText().equals("3/1"))
                ? Reply.status(400, "bad element")
                : Reply.ok());

    task.put(List.of(change(1, 1, 0), change(2, 1, 1), change(1, 2, 2), change(3, 1, 3)));

    var requests = server.requests();
    var first = requests.get(0);
    assertThat(first.elements())
        .extracting(e -> e.get("changeId").asText())
        .containsExactly("1/1", "2/1", "3/1");
    assertThat(first.idempotencyKey()).startsWith("batch-");
    assertThat(context.reported).hasSize(1);
    assertThat(header(context.reported.get(0).record(), ChangeHeaders.CHANGE_ID)).isEqualTo("3/1");
    List<String> delivered =
        requests.stream()
            .filter(
                r -> r.elements().stream().noneMatch(e -> e.get("changeId").asText().equals("3/1")))
            .flatMap(r -> r.elements().stream().map(e -> e.get("changeId").asText()))
            .toList();
    assertThat(delivered).containsExactlyInAnyOrder("1/1", "2/1", "1/2");
  }

  @Test
  void sendsTheConfiguredMethodHeadersAndBearerToken() {
    start(
        true,
        Map.of(
            ErpSinkConfigKeys.AUTH_TYPE, "bearer",
            ErpSinkConfigKeys.AUTH_TOKEN, "t0ken",
            ErpSinkConfigKeys.METHOD, "put",
            ErpSinkConfigKeys.HEADERS, "X-Tenant:shop"));
    task.put(List.of(change(1, 1, 0)));
    var request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.header("Authorization")).isEqualTo("Bearer t0ken");
    assertThat(request.header("X-tenant")).isEqualTo("shop");
    assertThat(request.header("Content-type")).isEqualTo("application/json");
  }

  @Test
  void basicAuthSendsEncodedCredentials() {
    start(
        true,
        Map.of(
            ErpSinkConfigKeys.AUTH_TYPE, "basic",
            ErpSinkConfigKeys.AUTH_USERNAME, "erp",
            ErpSinkConfigKeys.AUTH_PASSWORD, "pw"));
    task.put(List.of(change(1, 1, 0)));
    assertThat(server.requests().get(0).header("Authorization"))
        .isEqualTo(
            "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString("erp:pw".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void metricsAreRegisteredPerTaskAndRemovedOnStop() throws Exception {
    start(true, Map.of(ErpSinkTask.TASK_INDEX, "4"));
    task.put(List.of(change(1, 1, 0), change(2, 1, 1)));
    var server = ManagementFactory.getPlatformMBeanServer();
    var name =
        new javax.management.ObjectName(
            "kafka.connect:type=erp-sink-task-metrics,connector=erp-test,task=4");
    assertThat(server.getAttribute(name, "records-sent-total")).isEqualTo(2L);
    assertThat(server.getAttribute(name, "requests-in-flight")).isEqualTo(0L);
    assertThat((Long) server.getAttribute(name, "request-latency-le-30000ms-count")).isEqualTo(2L);
    task.stop();
    task = null;
    assertThat(server.isRegistered(name)).isFalse();
  }

  private static String header(SinkRecord record, String name) {
    Header header = record.headers().lastWithName(name);
    return header == null ? null : String.valueOf(header.value());
  }
}
