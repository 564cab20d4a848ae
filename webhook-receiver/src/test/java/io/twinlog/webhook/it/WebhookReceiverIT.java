package io.twinlog.webhook.it;

import static io.twinlog.webhook.fixtures.WebhookClient.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.webhook.WebhookReceiver;
import io.twinlog.webhook.fixtures.Receivers;
import io.twinlog.webhook.fixtures.WebhookClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver on a real port, posted to by a real HTTP client, writing to a real broker. */
class WebhookReceiverIT {
  static EmbeddedKafka kafka;
  static final AtomicInteger TOPICS = new AtomicInteger();

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  static String newTopic(int partitions) {
    String topic = "erp-webhooks-" + TOPICS.incrementAndGet();
    kafka.createTopic(topic, partitions);
    return topic;
  }

  static WebhookClient client(WebhookReceiver receiver) {
    return new WebhookClient(
        URI.create("http://127.0.0.1:" + receiver.port() + "/webhook"), Receivers.SECRET);
  }

  @Test
  void goodEventsAreWrittenOnceKeyedByEntityInPostingOrder() throws Exception {
    String topic = newTopic(3);
    try (WebhookReceiver receiver = WebhookReceiver.start(Receivers.hmacEnv(bootstrap(), topic))) {
      WebhookClient client = client(receiver);
      Map<String, String> bodies = new LinkedHashMap<>();
      for (int i = 0; i < 30; i++) {
        String id = "evt-" + i;
        String body = event(id, "inv-" + (i % 5), i);
        HttpResponse<String> response = client.post(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"eventId\":\"" + id + "\"");
        bodies.put(id, body);
      }

      List<ConsumerRecord<String, String>> records =
          kafka.consume(topic, 30, Duration.ofSeconds(30));
      assertThat(records).hasSize(30);
      Map<String, Integer> partitionOfEntity = new LinkedHashMap<>();
      Map<String, Integer> lastVersion = new LinkedHashMap<>();
      for (ConsumerRecord<String, String> record : records) {
        String id = header(record, ChangeHeaders.CHANGE_ID);
        assertThat(record.value()).as("value is the body byte for byte").isEqualTo(bodies.get(id));
        assertThat(record.key()).isEqualTo("inv-" + (Integer.parseInt(id.substring(4)) % 5));
        assertThat(header(record, ChangeHeaders.SOURCE)).isEqualTo("erp-webhooks");
        // One entity, one partition; within it, the order the ERP posted in.
        assertThat(partitionOfEntity.putIfAbsent(record.key(), record.partition()))
            .isIn(null, record.partition());
        int version = Integer.parseInt(id.substring(4));
        assertThat(lastVersion.getOrDefault(record.key(), -1)).isLessThan(version);
        lastVersion.put(record.key(), version);
      }
      assertThat(records.stream().map(r -> header(r, ChangeHeaders.CHANGE_ID)).distinct())
          .hasSize(30);
      assertThat(receiver.metrics().requests(200)).isEqualTo(30);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> scrape(receiver, WebhookReceiverEnv.READINESS_PATH).equals("ready\n"));
      assertThat(receiver.metrics().ackLatency().count()).isEqualTo(30);
    }
  }

  @Test
  void everyBadRequestGetsItsAnswerAndWritesNothing() throws Exception {
    String topic = newTopic(1);
    // The receiver's log (slf4j-simple writes to System.err) must never show the secret.
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(new TeeStream(stderr, logged), true));
    try (WebhookReceiver receiver = WebhookReceiver.start(Receivers.hmacEnv(bootstrap(), topic))) {
      WebhookClient client = client(receiver);
      long now = System.currentTimeMillis() / 1000;
      String good = event("evt-good", "inv-1", 1);

      // Signature computed over another body.
      String ts = Long.toString(now);
      assertStatus(
          client.send(
              client
                  .request()
                  .header(WebhookClient.TIMESTAMP_HEADER, ts)
                  .header(WebhookClient.SIGNATURE_HEADER, client.sign(ts, event("x", "inv-1", 2)))
                  .POST(HttpRequest.BodyPublishers.ofString(good))
                  .build()),
          401,
          "signature does not match");
      // Signed with another secret.
      assertStatus(
          new WebhookClient(client.uri(), "not-the-secret").post(good), 401, "does not match");
      // No signature at all.
      assertStatus(
          client.send(
              client
                  .request()
                  .header(WebhookClient.TIMESTAMP_HEADER, ts)
                  .POST(HttpRequest.BodyPublishers.ofString(good))
                  .build()),
          401,
          "missing signature");
      // A correctly signed request replayed ten minutes later, and one from the future.
      assertStatus(client.post(good, now - 600), 401, "replay window");
      assertStatus(client.post(good, now + 600), 401, "replay window");
      // The timestamp is signed: changing it breaks the signature.
      assertStatus(
          client.send(
              client
                  .request()
                  .header(WebhookClient.TIMESTAMP_HEADER, Long.toString(now + 1))
                  .header(WebhookClient.SIGNATURE_HEADER, client.sign(ts, good))
                  .POST(HttpRequest.BodyPublishers.ofString(good))
                  .build()),
          401,
          "does not match");
      // Over the 4096-byte limit, with a Content-Length and chunked.
      String big =
          event("evt-big", "inv-1", 3).replace("}", ",\"pad\":\"" + "x".repeat(5000) + "\"}");
      assertStatus(client.post(big), 413, "larger than 4096");
      assertStatus(
          client.send(
              client
                  .request()
                  .header(WebhookClient.TIMESTAMP_HEADER, ts)
                  .header(WebhookClient.SIGNATURE_HEADER, client.sign(ts, big))
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                  .build()),
          413,
          "larger than 4096");
      // Signed but unreadable, or without what the receiver must find.
      assertStatus(client.post("{\"id\": \"evt-1\", "), 400, "not JSON");
      assertStatus(client.post("{\"id\":\"a\"} {\"id\":\"b\"}"), 400, "one JSON document");
      assertStatus(client.post("{\"entity\":{\"id\":\"inv-1\"}}"), 400, "event id missing");
      assertStatus(client.post("{\"id\":\"evt-2\",\"entity\":{}}"), 400, "entity key missing");
      assertStatus(
          client.post("{\"id\":{\"nested\":1},\"entity\":{\"id\":\"inv-1\"}}"),
          400,
          "event id missing");
      assertStatus(
          client.post("{\"id\":\"has space\",\"entity\":{\"id\":\"inv-1\"}}"),
          400,
          "visible ASCII");
      // Wrong method, wrong path.
      assertStatus(client.send(client.request().GET().build()), 405, "POSTed");
      WebhookClient elsewhere =
          new WebhookClient(
              URI.create("http://127.0.0.1:" + receiver.port() + "/other"), Receivers.SECRET);
      assertStatus(elsewhere.post(good), 404, "no webhook endpoint");

      // Then one good event: on a one-partition topic, anything written before it comes first.
      assertStatus(client.post(good), 200, "evt-good");
      List<ConsumerRecord<String, String>> records = kafka.consume(topic, 2, Duration.ofSeconds(5));
      assertThat(records).hasSize(1);
      assertThat(header(records.get(0), ChangeHeaders.CHANGE_ID)).isEqualTo("evt-good");

      assertThat(receiver.metrics().requests(401)).isEqualTo(6);
      assertThat(receiver.metrics().signatureFailures("mismatch")).isEqualTo(3);
      assertThat(receiver.metrics().signatureFailures("missing")).isEqualTo(1);
      assertThat(receiver.metrics().signatureFailures("replay_window")).isEqualTo(2);
      assertThat(receiver.metrics().requests(413)).isEqualTo(2);
      assertThat(receiver.metrics().requests(400)).isEqualTo(6);
      String scrape = scrape(receiver, WebhookReceiverEnv.METRICS_PATH);
      assertThat(scrape)
          .contains("twinlog_webhook_requests_total{code=\"401\"} 6.0")
          .contains("twinlog_webhook_signature_failures_total{reason=\"replay_window\"} 2.0")
          .contains("twinlog_webhook_ack_latency_seconds_count 1")
          .doesNotContain(Receivers.SECRET);
    } finally {
      System.setErr(stderr);
    }
    String log = logged.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("401 (mismatch)").contains("secret=(variable)");
    assertThat(log).doesNotContain(Receivers.SECRET);
  }

  /** Writes to both streams: the test's own output stays visible. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }

  @Test
  void kafkaUnreachableAnswers503AndNothingIsLostWhenTheClientRetries() throws Exception {
    try (io.twinlog.webhook.fixtures.TcpProxy proxy = new io.twinlog.webhook.fixtures.TcpProxy();
        EmbeddedKafka proxied =
            EmbeddedKafka.start(
                Map.of("advertised.listeners", "EXTERNAL://localhost:" + proxy.port()))) {
      // The broker tells clients to connect through the proxy; cutting it cuts Kafka off.
      String[] real = proxied.bootstrapServers().split(",")[0].split(":");
      proxy.forwardTo(real[0], Integer.parseInt(real[1]));
      proxied.createTopic("outage", 2);
      Map<String, String> env = Receivers.hmacEnv("localhost:" + proxy.port(), "outage");
      env.put(WebhookReceiverEnv.ACK_TIMEOUT_MS, "2000");
      try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
        WebhookClient client = client(receiver);
        assertStatus(client.post(event("before", "inv-0", 0)), 200, "before");

        proxy.cut();
        long start = System.nanoTime();
        HttpResponse<String> refused = client.post(event("during", "inv-1", 1));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("5");
        // Bounded by the ack timeout (2 s for metadata plus 2 s for the ack), with room for a
        // loaded machine: the point is that it ends, not how fast.
        assertThat(waitedMs).as("bounded by the ack timeout").isLessThan(30_000);

        // An ERP retrying until acknowledged, while Kafka stays away for a few seconds.
        Thread restorer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        Thread.sleep(4000); // the outage's length, not a wait for a condition
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      proxy.restore();
                    });
        List<String> acked = new ArrayList<>(List.of("before"));
        int attempts = 0;
        int unavailable = 1;
        for (int i = 1; i <= 20; i++) {
          String id = i == 1 ? "during" : "evt-" + i;
          String body = event(id, "inv-" + (i % 4), i);
          while (true) {
            attempts++;
            HttpResponse<String> response = client.post(body);
            if (response.statusCode() == 200) {
              acked.add(id);
              break;
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            unavailable++;
          }
        }
        restorer.join();
        assertThat(unavailable).isGreaterThan(1);

        List<ConsumerRecord<String, String>> records =
            proxied.consume("outage", acked.size(), Duration.ofSeconds(30));
        List<String> written =
            records.stream().map(r -> header(r, ChangeHeaders.CHANGE_ID)).toList();
        // Nothing lost: every acknowledged event is there; a 503 may have written a copy (the
        // ERP's retry then makes a duplicate with the same event id, removed downstream).
        assertThat(written).containsAll(acked);
        assertThat(written.size()).isLessThanOrEqualTo(attempts + 1);
        assertThat(receiver.metrics().requests(503)).isEqualTo(unavailable);
      }
    }
  }

  @Test
  void deadBrokerAnswers503WithinTheAckTimeout() throws Exception {
    Map<String, String> env = Receivers.hmacEnv("127.0.0.1:1", "nowhere");
    env.put(WebhookReceiverEnv.ACK_TIMEOUT_MS, "1500");
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      long start = System.nanoTime();
      HttpResponse<String> response = client(receiver).post(event("e", "k", 1));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(30_000);
      // Never reached Kafka: not ready, so a rolling update would stop at this pod.
      assertThat(scrape(receiver, WebhookReceiverEnv.READINESS_PATH)).isEqualTo("not ready\n");
      assertThat(scrape(receiver, WebhookReceiverEnv.LIVENESS_PATH)).isEqualTo("live\n");
    }
  }

  @Test
  void bodiesUpToTheLimitFitInKafkaAndWhatTheTopicRefusesIsA413() throws Exception {
    String big = "erp-webhooks-big-" + TOPICS.incrementAndGet();
    kafka.createTopic(big, 1, Map.of("max.message.bytes", Integer.toString(3 * 1024 * 1024)));
    String small = "erp-webhooks-small-" + TOPICS.incrementAndGet();
    kafka.createTopic(small, 1, Map.of("max.message.bytes", Integer.toString(512 * 1024)));
    // 1.5 MB: over the producer's and the broker's 1 MiB defaults, under the receiver's limit.
    String body =
        "{\"id\":\"evt-large\",\"entity\":{\"id\":\"inv-1\"},\"pad\":\""
            + "x".repeat(1_500_000)
            + "\"}";
    for (String topic : List.of(big, small)) {
      Map<String, String> env = Receivers.hmacEnv(bootstrap(), topic);
      env.put(WebhookReceiverEnv.MAX_BODY_BYTES, Integer.toString(2 * 1024 * 1024));
      try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
        HttpResponse<String> response = client(receiver).post(body);
        if (topic.equals(big)) {
          assertStatus(response, 200, "evt-large");
        } else {
          // The topic's own limit is below the receiver's: a clear refusal, nothing written.
          assertStatus(response, 413, "larger than the Kafka topic accepts");
        }
      }
    }
    var consumer = kafka.bytesConsumer("big-" + System.nanoTime());
    try (consumer) {
      consumer.subscribe(List.of(big));
      List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> read =
          new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (read.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
      assertThat(read).singleElement().satisfies(r -> assertThat(r.value()).hasSize(body.length()));
    }
    assertThat(kafka.consume(small, 1, Duration.ofSeconds(3))).isEmpty();
  }

  @Test
  void overTheInFlightLimitTheAnswerIs503AtOnce() throws Exception {
    Map<String, String> env = Receivers.hmacEnv("127.0.0.1:1", "nowhere");
    env.put(WebhookReceiverEnv.ACK_TIMEOUT_MS, "3000");
    env.put(WebhookReceiverEnv.MAX_IN_FLIGHT, "1");
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      WebhookClient client = client(receiver);
      var first =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.post(event("slow", "k", 1));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> receiver.registry().get("twinlog_webhook_in_flight").gauge().value() == 1);
      assertStatus(client.post(event("second", "k", 2)), 503, "receiver busy");
      assertStatus(first.get(), 503, "retry later");
      assertThat(receiver.metrics().requests(503)).isEqualTo(2);
    }
  }

  @Test
  void bearerTokenFromAMountedFile(@TempDir Path dir) throws Exception {
    String topic = newTopic(1);
    Path token = dir.resolve("token");
    Files.writeString(token, "tok-s3cret\n");
    Map<String, String> env = Receivers.hmacEnv(bootstrap(), topic);
    env.remove(WebhookReceiverEnv.SECRET);
    env.put(WebhookReceiverEnv.AUTH_TYPE, "bearer");
    env.put(WebhookReceiverEnv.SECRET_FILE, token.toString());
    env.put(WebhookReceiverEnv.EVENT_ID, "header:X-Event-Id");
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      WebhookClient client = client(receiver);
      String body = "{\"entity\":{\"id\":\"inv-9\"},\"total\":12}";
      HttpRequest.Builder request =
          client
              .request()
              .header("X-Event-Id", "hdr-1")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      assertStatus(client.send(request.copy().build()), 401, "missing bearer token");
      assertStatus(
          client.send(request.copy().header("Authorization", "Bearer wrong").build()),
          401,
          "does not match");
      assertStatus(
          client.send(request.copy().header("Authorization", "Bearer tok-s3cret").build()),
          200,
          "hdr-1");
      List<ConsumerRecord<String, String>> records = kafka.consume(topic, 2, Duration.ofSeconds(5));
      assertThat(records).hasSize(1);
      assertThat(records.get(0).key()).isEqualTo("inv-9");
      assertThat(header(records.get(0), ChangeHeaders.CHANGE_ID)).isEqualTo("hdr-1");
    }
  }

  static void assertStatus(HttpResponse<String> response, int status, String bodyContains) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.body()).contains(bodyContains);
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static String scrape(WebhookReceiver receiver, String path) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + receiver.managementPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static String bootstrap() {
    return kafka.bootstrapServers();
  }
}
