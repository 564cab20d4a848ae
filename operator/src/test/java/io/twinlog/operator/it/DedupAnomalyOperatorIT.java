package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.health.MutableClock;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.operator.status.Reasons;
import io.twinlog.testkit.EmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole operator on the mock API server with a real Kafka: anomaly records written (as the
 * dedup runtime does, in transactions) to the pipeline's anomaly topic make that source unhealthy
 * with the anomaly's reason, GTIDs and an Event, for {@code spec.dedup.anomalyHold} on the
 * operator's clock; an aborted record is never read.
 */
class DedupAnomalyOperatorIT {
  private static final Instant T0 = Instant.parse("2026-11-21T02:00:00Z");
  private static final String NS = "anomaly";

  private static EmbeddedKafka kafka;
  private static MockCluster cluster;
  private static KubernetesClient client;
  private static MutableClock clock;
  private static TwinlogOperator operator;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    cluster = MockCluster.start();
    client = cluster.client();
    clock = new MutableClock(T0);
    operator = TwinlogOperator.start(client, clock, OperatorSettings.inProcess());
  }

  @AfterAll
  static void stop() {
    operator.close();
    cluster.close();
    kafka.close();
  }

  private CdcPipeline pipeline() {
    return client.resources(CdcPipeline.class).inNamespace(NS).withName("orders").get();
  }

  private Condition condition(String type) {
    return Conditions.find(pipeline().getStatus().getConditions(), type).orElseThrow();
  }

  private void pokeUntil(
      StrimziStandIn strimzi, String connector, Predicate<CdcPipelineStatus> ok) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              strimzi.refresh(connector);
              return pipeline().getStatus() != null && ok.test(pipeline().getStatus());
            });
  }

  private static KafkaProducer<byte[], byte[]> transactional(String id) {
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                id,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    producer.initTransactions();
    return producer;
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, DedupAnomalyRecord anomaly) {
    return new ProducerRecord<>(topic, anomaly.keyBytes(), anomaly.valueBytes());
  }

  @Test
  void anAnomalyMakesItsSourceUnhealthyForTheHoldTimeAndAnAbortedOneIsNeverSeen() throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    String yaml =
        Pipelines.ordersYaml(NS, "orders")
            .replace(
                "kafka: {cluster: main, connectCluster: cdc-connect}",
                "kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: \""
                    + kafka.bootstrapServers()
                    + "\"}")
            .replace(
                "dedup: {window: 48h, instances: 2}",
                "dedup: {window: 48h, instances: 2," + " anomalyHold: 10m}");
    CdcPipeline created =
        client
            .resource(client.getKubernetesSerialization().unmarshal(yaml, CdcPipeline.class))
            .create();
    // The test stands in for Strimzi's Topic Operator, which creates the topic of the KafkaTopic.
    String topic = ResourceNames.dedupAnomalyTopic(created);
    kafka.createTopic(topic, 1);

    StrimziStandIn strimzi = new StrimziStandIn(client, NS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                pipeline().getStatus() != null
                    && pipeline().getStatus().getSources() != null
                    && pipeline().getStatus().getSink() != null);
    String a = pipeline().getStatus().getSources().get(0).getConnectorName();
    String b = pipeline().getStatus().getSources().get(1).getConnectorName();
    strimzi.running(a);
    strimzi.running(b);
    strimzi.running(pipeline().getStatus().getSink().getConnectorName());
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(
            d -> strimzi.deploymentReady(d.getMetadata().getName(), d.getSpec().getReplicas()));
    pokeUntil(strimzi, a, s -> "2/2".equals(s.getSourcesReady()));
    // No Connect REST API here (cdc-connect-connect-api.anomaly.svc does not resolve): health
    // comes from Strimzi's status, and the operator says so once.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(condition(ConditionTypes.SOURCES_HEALTHY).getMessage())
                  .contains(
                      "Connect's REST API is unreachable at"
                          + " http://cdc-connect-connect-api.anomaly.svc:8083");
              assertThat(
                      client.v1().events().inNamespace(NS).list().getItems().stream()
                          .filter(e -> Reasons.CONNECT_REST_UNREACHABLE.equals(e.getReason())))
                  .hasSize(1);
            });
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName(ResourceNames.dedupConfigMap(created))
                .get()
                .getData())
        .containsEntry(DedupRuntimeEnv.ANOMALY_TOPIC, topic);

    // replica-a's record is aborted, replica-b's committed after it: only b's may count.
    Instant at = T0.plus(Duration.ofMinutes(1));
    clock.set(at);
    try (KafkaProducer<byte[], byte[]> producer = transactional("dedup-test-1")) {
      producer.beginTransaction();
      producer.send(
          record(
              topic,
              new DedupAnomalyRecord(
                  "replica-a", "source-diverged", "aborted", List.of("0-1-3"), at.toEpochMilli())));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(
          record(
              topic,
              new DedupAnomalyRecord(
                  "replica-b",
                  DedupAnomalyRecord.KIND_SOURCE_SKIPPED,
                  "stepped from 0-1-5 to 0-1-9 while replica-a had not delivered 0-1-6..0-1-8",
                  List.of("0-1-5", "0-1-9"),
                  at.toEpochMilli())));
      producer.commitTransaction();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "1/2".equals(pipeline().getStatus().getSourcesReady()));
    Condition sources = condition(ConditionTypes.SOURCES_HEALTHY);
    assertThat(sources.getStatus()).isEqualTo("False");
    assertThat(sources.getReason()).isEqualTo("SourceSkipped");
    assertThat(sources.getMessage())
        .contains("replica-b")
        .contains("GTIDs 0-1-5, 0-1-9")
        .contains("unhealthy until " + at.plus(Duration.ofMinutes(10)));
    assertThat(pipeline().getStatus().getSources().get(0).getReason()).isNull();
    assertThat(pipeline().getStatus().getSources().get(1).getReason()).isEqualTo("SourceSkipped");
    assertThat(condition(ConditionTypes.READY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", Reasons.DEGRADED);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        client.v1().events().inNamespace(NS).list().getItems().stream()
                            .filter(e -> "SourceSkipped".equals(e.getReason())))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("0-1-9")));

    // Still held a second before the hold time ends; healthy once it has.
    clock.set(at.plus(Duration.ofMinutes(10)).minusSeconds(1));
    strimzi.refresh(b);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> "1/2".equals(pipeline().getStatus().getSourcesReady()));
    clock.set(at.plus(Duration.ofMinutes(10)).plusSeconds(1));
    pokeUntil(strimzi, b, s -> "2/2".equals(s.getSourcesReady()));
    assertThat(condition(ConditionTypes.SOURCES_HEALTHY).getStatus()).isEqualTo("True");
  }
}
