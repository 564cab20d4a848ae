package io.twinlog.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.KafkaClientSecurity;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's own reads on a secured listener: with the client properties {@code spec.kafka}
 * yields (the Secret values resolved, as the reconciler does), heartbeats are read over TLS with
 * SCRAM; with a wrong password nothing is, the reader says why, and the reader for the right one is
 * a separate one.
 */
class SecuredHeartbeatWatcherIT {

  @Test
  void heartbeatsAreReadWithThePipelinesKafkaCredentials(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.localhost(dir);
    try (EmbeddedKafka kafka = EmbeddedKafka.startSecured(certs);
        HeartbeatWatcher watcher = new HeartbeatWatcher(Map.of(), 4, Duration.ofMillis(200))) {
      kafka.addScramUser("twinlog-orders", "the-password");
      CdcPipeline p = TestPipelines.scramOverTls(TestPipelines.minimal());
      p.getSpec().getKafka().setBootstrapServers(kafka.secureBootstrapServers());
      String prefix = ResourceNames.sourceTopicPrefix(p, "replica-a");
      String topic = ResourceNames.heartbeatTopic(prefix);
      kafka.createTopic(topic, 1);

      KafkaCluster right = cluster(p, certs, "the-password");
      KafkaCluster wrong = cluster(p, certs, "not-it");
      assertThat(right.toString()).doesNotContain("the-password").contains("SASL_SSL");
      java.util.Set<String> woken = java.util.concurrent.ConcurrentHashMap.newKeySet();
      watcher.onAnomaly(woken::add);
      watcher.watch("shop/orders", right, List.of(prefix), null, List.of());
      watcher.watch("shop/other", wrong, List.of(prefix), "shop.other.dedup-anomalies", List.of());

      Instant beat = Instant.now();
      try (KafkaProducer<String, String> producer = kafka.stringProducer()) {
        producer
            .send(new ProducerRecord<>(topic, 0, beat.toEpochMilli(), "k", "{\"ts_ms\":1}"))
            .get();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> watcher.lastSeen(right, prefix).isPresent());
      assertThat(watcher.lastSeen(right, prefix))
          .contains(Instant.ofEpochMilli(beat.toEpochMilli()));
      assertThat(watcher.lastSeen(wrong, prefix)).isEmpty();
      // What is not read is said, with Kafka's reason and never the credential: the status names
      // it, since the stall rule flags nobody on a cluster it cannot read.
      await().atMost(Duration.ofSeconds(30)).until(() -> watcher.readFailure(wrong).isPresent());
      assertThat(watcher.readFailure(wrong).orElseThrow())
          .startsWith("failing since ")
          .contains("SaslAuthenticationException")
          .doesNotContain("not-it");
      assertThat(watcher.readFailure(right)).isEmpty();
      assertThat(woken).as("the pipeline is told to look again").contains("shop/other");
    }
  }

  private static KafkaCluster cluster(CdcPipeline p, TestCertificates certs, String password) {
    return new KafkaCluster(
        p.getSpec().getKafka().getBootstrapServers(),
        KafkaClientSecurity.properties(
            p, (secret, key) -> key.equals("ca.crt") ? certs.caPem() : password));
  }
}
