package io.twinlog.webhook.it;

import static io.twinlog.webhook.fixtures.WebhookClient.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.webhook.WebhookReceiver;
import io.twinlog.webhook.dedup.EventDedup;
import io.twinlog.webhook.fixtures.ReceiverProcess;
import io.twinlog.webhook.fixtures.Receivers;
import io.twinlog.webhook.fixtures.StandInSystem;
import io.twinlog.webhook.fixtures.WebhookClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole inbound flow on real parts: an ERP posting signed webhooks (and retrying, which makes
 * duplicates) to two receivers, one of them killed (SIGKILL) mid-stream; the real broker; the dedup
 * step (restarted mid-stream, state restored from its changelog); Twinlog's ERP sink on a real
 * Connect worker; a stand-in for the system. Each event reaches the system once, with its event id
 * as the idempotency key, in per-entity order.
 */
class WebhookToSystemIT {
  static final String RAW = "erp.webhooks";
  static final String OUT = "erp.webhooks.dedup";
  static final int EVENTS = 60;
  static final int ENTITIES = 6;

  @TempDir Path state;

  @Test
  void eachEventReachesTheSystemOnceInEntityOrder() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        StandInSystem system = new StandInSystem()) {
      // As the operator creates it (docs/concepts/webhooks.md): the broker stamps the time.
      kafka.createTopic(RAW, 3, Map.of("message.timestamp.type", "LogAppendTime"));
      kafka.createTopic(OUT, 3);
      kafka.createTopic("erp.webhooks.dlq", 1);
      Map<String, String> dedupEnv =
          new HashMap<>(Receivers.hmacEnv(kafka.bootstrapServers(), RAW));
      dedupEnv.put(WebhookReceiverEnv.DEDUP_OUTPUT_TOPIC, OUT);
      dedupEnv.put(WebhookReceiverEnv.DEDUP_STATE_DIR, state.toString());
      dedupEnv.put(WebhookReceiverEnv.DEDUP_APPLICATION_ID, "erp-webhooks-dedup");
      dedupEnv.put(WebhookReceiverEnv.KAFKA_PASSTHROUGH_PREFIX + "COMMIT_INTERVAL_MS", "100");

      // Receiver A runs in its own JVM, so it can die the way a pod does.
      ReceiverProcess a = ReceiverProcess.start(Receivers.hmacEnv(kafka.bootstrapServers(), RAW));
      WebhookReceiver b = WebhookReceiver.start(Receivers.hmacEnv(kafka.bootstrapServers(), RAW));
      EventDedup dedup = EventDedup.start(dedupEnv);
      try (EmbeddedConnect connect = EmbeddedConnect.start(kafka)) {
        ConnectRest rest = connect.rest();
        rest.createConnector("system-sink", sinkConfig(system.uri()));
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> rest.status("system-sink").isRunning());

        List<WebhookClient> receivers =
            new ArrayList<>(List.of(client(a.port()), client(b.port())));
        Thread killer = null;
        Map<String, List<String>> postedPerEntity = new LinkedHashMap<>();
        Map<String, String> bodies = new HashMap<>();
        int duplicatesPosted = 0;
        for (int i = 0; i < EVENTS; i++) {
          String id = "evt-" + i;
          String entity = "inv-" + (i % ENTITIES);
          String body = event(id, entity, i);
          bodies.put(id, body);
          postedPerEntity.computeIfAbsent(entity, k -> new ArrayList<>()).add(id);
          postUntilAcknowledged(receivers, i, body);
          if (i % 3 == 0) {
            // The ERP did not see the 200 (timeout) and sends the same event again.
            postUntilAcknowledged(receivers, i + 1, body);
            duplicatesPosted++;
          }
          if (i % 10 == 5 && i > 10) {
            // ...and an old event again, after newer ones of its entity.
            postUntilAcknowledged(receivers, i, bodies.get("evt-" + (i - ENTITIES)));
            duplicatesPosted++;
          }
          if (i == EVENTS / 3) {
            // Killed while the ERP keeps posting (perhaps mid-request): its calls fail over.
            killer =
                Thread.ofPlatform()
                    .start(
                        () -> {
                          try {
                            a.kill();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        });
          }
          if (i == EVENTS / 2) {
            // The dedup pod replaced mid-stream: the new one restores what it remembered.
            dedup.close();
            dedup = EventDedup.start(dedupEnv);
          }
        }

        killer.join();
        await()
            .atMost(Duration.ofSeconds(90))
            .untilAsserted(
                () -> assertThat(system.deliveries()).hasSizeGreaterThanOrEqualTo(EVENTS));
        // A little longer for anything that should not come (a late duplicate).
        int settled = system.deliveries().size();
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(system.deliveries()).hasSize(settled);

        // Once each, with the event id as idempotency key and the body as the ERP sent it.
        assertThat(system.requestsPerKey())
            .hasSize(EVENTS)
            .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> deliveredPerEntity = new LinkedHashMap<>();
        for (StandInSystem.Delivery delivery : system.deliveries()) {
          assertThat(json.readTree(delivery.body()))
              .isEqualTo(json.readTree(bodies.get(delivery.idempotencyKey())));
          String entity = json.readTree(delivery.body()).at("/entity/id").asText();
          deliveredPerEntity
              .computeIfAbsent(entity, k -> new ArrayList<>())
              .add(delivery.idempotencyKey());
        }
        assertThat(deliveredPerEntity).isEqualTo(postedPerEntity);
        // The sink measured webhook received -> system acknowledged for every record it sent
        // (per-task counters: a task restarted by a rebalance starts again from 0).
        long sent = sinkMetric("records-sent-total");
        assertThat(sent).isPositive();
        assertThat(sinkMetric("record-end-to-end-latency-count")).isEqualTo(sent);
        long rawRecords =
            kafka.consume(RAW, EVENTS + duplicatesPosted, Duration.ofSeconds(20)).size();
        assertThat(rawRecords).isGreaterThanOrEqualTo(EVENTS + duplicatesPosted);
        assertThat(kafka.consume(OUT, EVENTS + 1, Duration.ofSeconds(5)))
            .hasSize(EVENTS)
            .allSatisfy(
                r -> assertThat(r.headers().lastHeader(ChangeHeaders.CHANGE_ID)).isNotNull());
      } finally {
        dedup.close();
        b.close();
        a.close();
      }
    }
  }

  /** Sum over the sink's tasks of one attribute of its JMX metrics (Connect runs in this JVM). */
  static long sinkMetric(String attribute) throws Exception {
    var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
    long sum = 0;
    for (var name :
        server.queryNames(
            new javax.management.ObjectName(
                "kafka.connect:type=erp-sink-task-metrics,connector=system-sink,task=*"),
            null)) {
      sum += ((Number) server.getAttribute(name, attribute)).longValue();
    }
    return sum;
  }

  /** The ERP's retry loop: another receiver after a connection error, again after a 503. */
  static void postUntilAcknowledged(List<WebhookClient> receivers, int attempt, String body)
      throws InterruptedException {
    for (int tries = 0; tries < 50; tries++) {
      WebhookClient client = receivers.get((attempt + tries) % receivers.size());
      try {
        HttpResponse<String> response = client.post(body);
        if (response.statusCode() == 200) {
          return;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      } catch (IOException e) {
        // Connection refused: that receiver is gone; the next try goes to another.
      }
    }
    throw new AssertionError("no receiver acknowledged " + body);
  }

  static WebhookClient client(int port) {
    return new WebhookClient(URI.create("http://127.0.0.1:" + port + "/webhook"), Receivers.SECRET);
  }

  /**
   * What the operator's sink builder renders for a webhook receiver (docs/concepts/webhooks.md).
   */
  static Map<String, String> sinkConfig(URI system) {
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", ErpSinkConfigKeys.CONNECTOR_CLASS);
    // One task: tasks joining one after the other would rebalance the partitions, and a record
    // in flight at that moment is sent again by its new owner (at least once, same idempotency
    // key). This test counts requests, so it keeps the sink's side deterministic.
    config.put("tasks.max", "1");
    config.put("topics", OUT);
    config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("consumer.override.isolation.level", "read_committed");
    config.put(ErpSinkConfigKeys.URL, system.toString());
    config.put(ErpSinkConfigKeys.BODY_FORMAT, "raw");
    config.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "50");
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", "erp.webhooks.dlq");
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    return config;
  }
}
