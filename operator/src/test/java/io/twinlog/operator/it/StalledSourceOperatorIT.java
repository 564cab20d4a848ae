package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.health.MutableClock;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.operator.status.Reasons;
import io.twinlog.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole operator on the mock API server with a real Kafka: heartbeat records (stamped on the
 * operator's fake clock) make one source stalled; the operator reports it and restarts its task
 * through Strimzi's annotation, once per stall, while the pipeline stays Ready.
 */
class StalledSourceOperatorIT {
  private static final Instant T0 = Instant.parse("2026-11-21T02:00:00Z");
  private static final String NS = "stall";

  private static EmbeddedKafka kafka;
  private static MockCluster cluster;
  private static KubernetesClient client;
  private static MutableClock clock;
  private static TwinlogOperator operator;
  private static KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    producer = kafka.bytesProducer();
    cluster = MockCluster.start();
    client = cluster.client();
    clock = new MutableClock(T0);
    operator = TwinlogOperator.start(client, clock, OperatorSettings.inProcess());
  }

  @AfterAll
  static void stop() {
    operator.close();
    cluster.close();
    producer.close();
    kafka.close();
  }

  private CdcPipeline pipeline() {
    return client.resources(CdcPipeline.class).inNamespace(NS).withName("orders").get();
  }

  private SourceStatus source(int i) {
    return pipeline().getStatus().getSources().get(i);
  }

  private Condition condition(String type) {
    return Conditions.find(pipeline().getStatus().getConditions(), type).orElseThrow();
  }

  private void heartbeat(CdcPipeline pipeline, String replica, Instant at) throws Exception {
    String prefix = ResourceNames.sourceTopicPrefix(pipeline, replica);
    byte[] key = ("{\"serverName\":\"" + prefix + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] value = ("{\"ts_ms\":" + at.toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8);
    producer
        .send(
            new ProducerRecord<>(
                ResourceNames.heartbeatTopic(prefix), 0, at.toEpochMilli(), key, value))
        .get();
  }

  /** Pokes the operator (a Strimzi status refresh) until the pipeline's status satisfies it. */
  private void pokeUntil(
      StrimziStandIn strimzi, String connector, Predicate<CdcPipelineStatus> ok) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              strimzi.refresh(connector);
              return ok.test(pipeline().getStatus());
            });
  }

  @Test
  void aSilentSourceIsStalledRestartedOncePerStallAndThePipelineStaysReady() throws Exception {
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
                "restartPolicy: {initialBackoff: 10s, maxBackoff: 10m}",
                "restartPolicy: {initialBackoff: 10s, maxBackoff: 10m, stallAfter: 2m}");
    CdcPipeline created =
        client
            .resource(client.getKubernetesSerialization().unmarshal(yaml, CdcPipeline.class))
            .create();
    for (String replica : new String[] {"replica-a", "replica-b"}) {
      kafka.createTopic(
          ResourceNames.heartbeatTopic(ResourceNames.sourceTopicPrefix(created, replica)), 1);
      heartbeat(created, replica, T0);
    }

    StrimziStandIn strimzi = new StrimziStandIn(client, NS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                pipeline().getStatus() != null
                    && pipeline().getStatus().getSources() != null
                    && pipeline().getStatus().getSink() != null);
    String a = source(0).getConnectorName();
    String b = source(1).getConnectorName();
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

    // B is silent for 3 minutes while A beats: stalled, restarted once, Ready stays True.
    clock.set(T0.plus(Duration.ofMinutes(3)));
    heartbeat(created, "replica-a", clock.instant());
    pokeUntil(strimzi, b, s -> Boolean.TRUE.equals(s.getSources().get(1).getStalled()));
    assertThat(source(1).getReason()).isEqualTo(Reasons.STALLED);
    assertThat(source(1).getLastError()).startsWith("task 0: Stalled: no heartbeat");
    assertThat(source(1).getRestarts()).isEqualTo(1);
    assertThat(source(0).getStalled()).isNull();
    assertThat(strimzi.get(b).getMetadata().getAnnotations())
        .containsEntry("strimzi.io/restart-task", "0");
    assertThat(condition(ConditionTypes.SOURCES_HEALTHY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", Reasons.STALLED);
    assertThat(condition(ConditionTypes.READY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", Reasons.DEGRADED);
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "ConnectorRestarted".equals(e.getReason()))
                .filter(e -> e.getMessage().contains("Stalled")))
        .hasSize(1);

    // Silent too (3 heartbeat intervals), announced once however often it was reconciled since.
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> Reasons.SOURCE_SILENT.equals(e.getReason())))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("no heartbeat since " + T0));
    assertThat(condition(ConditionTypes.SOURCES_HEALTHY).getMessage())
        .contains("no heartbeat since " + T0 + " (3 heartbeat intervals of 10s)");

    // Strimzi restarts the task; B stays stalled, but gets a full stallAfter from the restart.
    assertThat(strimzi.performRestart(b)).isPresent();
    clock.set(T0.plus(Duration.ofMinutes(4)));
    heartbeat(created, "replica-a", clock.instant());
    pokeUntil(
        strimzi,
        b,
        s ->
            Conditions.find(s.getConditions(), ConditionTypes.SOURCES_HEALTHY)
                .orElseThrow()
                .getMessage()
                .contains("Next restart not before " + T0.plus(Duration.ofMinutes(5))));
    assertThat(source(1).getStalled()).isTrue();
    assertThat(source(1).getRestarts()).isEqualTo(1);
    assertThat(strimzi.get(b).getMetadata().getAnnotations())
        .doesNotContainKey("strimzi.io/restart-task");

    // Still silent a full stallAfter after the restart: the same loop restarts it again.
    clock.set(T0.plus(Duration.ofMinutes(5)).plusSeconds(1));
    heartbeat(created, "replica-a", clock.instant());
    pokeUntil(strimzi, b, s -> s.getSources().get(1).getRestarts() == 2);
    assertThat(source(1).getConsecutiveRestarts()).isEqualTo(2);

    // B beats again: healthy.
    strimzi.performRestart(b);
    clock.set(T0.plus(Duration.ofMinutes(5)).plusSeconds(5));
    heartbeat(created, "replica-b", clock.instant());
    pokeUntil(strimzi, b, s -> "2/2".equals(s.getSourcesReady()));
    assertThat(source(1).getStalled()).isNull();
    assertThat(condition(ConditionTypes.READY).getReason()).isEqualTo(Reasons.DELIVERING);
  }
}
