package io.twinlog.operator.it;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorStatus;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import io.twinlog.operator.health.ConnectorStatuses;
import io.twinlog.operator.health.RestartAnnotations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stands in for what does not run here: Strimzi's Cluster Operator (it writes a KafkaConnector's
 * {@code status.connectorStatus} as it copies it from Kafka Connect, and consumes restart
 * annotations) and the kubelet/Deployment controller (ready replicas).
 */
public final class StrimziStandIn {
  private final KubernetesClient client;
  private final String namespace;

  public StrimziStandIn(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Reports the connector RUNNING with one RUNNING task. */
  public void running(String connector) {
    report(connector, ConnectorStatuses.running(connector), true);
  }

  /** Reports the connector's task 0 FAILED with the trace. */
  public void taskFailed(String connector, String trace) {
    report(connector, ConnectorStatuses.taskFailed(connector, trace), false);
  }

  /**
   * Writes the status again with a new observedGeneration-free refresh (as a periodic reconcile
   * does).
   */
  public void refresh(String connector) {
    KafkaConnector kc = get(connector);
    KafkaConnectorStatus status = kc.getStatus();
    status.setTasksMax(status.getTasksMax() + 1);
    client.resource(kc).updateStatus();
  }

  private void report(String connector, Map<String, Object> connectorStatus, boolean ready) {
    KafkaConnector kc = get(connector);
    KafkaConnectorStatus status = new KafkaConnectorStatus();
    status.setConnectorStatus(connectorStatus);
    status.setTasksMax(1);
    status.setObservedGeneration(kc.getMetadata().getGeneration());
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType(ready ? "Ready" : "NotReady")
                .withStatus("True")
                .withLastTransitionTime("2026-11-20T10:00:00Z")
                .build()));
    kc.setStatus(status);
    client.resource(kc).updateStatus();
  }

  /**
   * Performs a requested restart as Strimzi does: removes the annotation and returns it ({@code
   * strimzi.io/restart=true} or {@code strimzi.io/restart-task=<id>}), if there was one.
   */
  public Optional<Map.Entry<String, String>> performRestart(String connector) {
    KafkaConnector kc = get(connector);
    Map<String, String> annotations =
        new HashMap<>(Optional.ofNullable(kc.getMetadata().getAnnotations()).orElse(Map.of()));
    Optional<Map.Entry<String, String>> asked =
        annotations.entrySet().stream()
            .filter(
                e ->
                    e.getKey().equals(RestartAnnotations.RESTART)
                        || e.getKey().equals(RestartAnnotations.RESTART_TASK))
            .findFirst()
            .map(e -> Map.entry(e.getKey(), e.getValue()));
    asked.ifPresent(
        e -> {
          annotations.remove(e.getKey());
          client
              .resources(KafkaConnector.class)
              .inNamespace(namespace)
              .withName(connector)
              .edit(
                  c -> {
                    c.getMetadata().setAnnotations(annotations);
                    return c;
                  });
        });
    return asked;
  }

  /** Marks every KafkaTopic of the namespace Ready, as the Topic Operator does once it exists. */
  public void topicsReady() {
    for (KafkaTopic topic :
        client.resources(KafkaTopic.class).inNamespace(namespace).list().getItems()) {
      KafkaTopicStatus status = new KafkaTopicStatus();
      status.setObservedGeneration(topic.getMetadata().getGeneration());
      status.setConditions(
          List.of(new ConditionBuilder().withType("Ready").withStatus("True").build()));
      topic.setStatus(status);
      client.resource(topic).updateStatus();
    }
  }

  /** Sets the Deployment's ready replicas. */
  public void deploymentReady(String name, int ready) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
    d.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(ready)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withObservedGeneration(d.getMetadata().getGeneration())
            .build());
    client.resource(d).updateStatus();
  }

  /** The KafkaConnector as the API server holds it. */
  public KafkaConnector get(String connector) {
    return client.resources(KafkaConnector.class).inNamespace(namespace).withName(connector).get();
  }
}
