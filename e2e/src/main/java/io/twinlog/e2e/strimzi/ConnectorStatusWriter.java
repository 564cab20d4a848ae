package io.twinlog.e2e.strimzi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorStatus;
import io.twinlog.testkit.ConnectRest.ConnectorStatus;
import io.twinlog.testkit.ConnectRest.TaskStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * TEST CODE: writes a KafkaConnector's status as Strimzi does at the end of a reconciliation:
 * Connect's status JSON, {@code tasksMax}, {@code observedGeneration}, {@code Ready} or {@code
 * NotReady} plus warnings, and only when that differs from what is there (ignoring {@code
 * lastTransitionTime}, as Strimzi's StatusDiff does).
 */
final class ConnectorStatusWriter {
  private final KubernetesClient client;
  private final Clock clock;

  ConnectorStatusWriter(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Connect's {@code GET /connectors/NAME/status} JSON, as Strimzi copies it into the status. */
  static Map<String, Object> connectorStatusJson(ConnectorStatus status) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", status.name());
    Map<String, Object> connector = new LinkedHashMap<>();
    connector.put("state", status.state());
    connector.put("worker_id", status.workerId());
    if (status.trace() != null) {
      connector.put("trace", status.trace());
    }
    json.put("connector", connector);
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (TaskStatus task : status.tasks()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", task.id());
      t.put("state", task.state());
      t.put("worker_id", task.workerId());
      if (task.trace() != null) {
        t.put("trace", task.trace());
      }
      tasks.add(t);
    }
    json.put("tasks", tasks);
    json.put("type", status.type());
    return json;
  }

  /** Strimzi's NotReady message for a failed connector or failed tasks, else null. */
  static String failureOf(ConnectorStatus status) {
    if ("FAILED".equals(status.state())) {
      return "Connector has failed, see connectorStatus for more details.";
    }
    List<String> failed =
        status.tasks().stream()
            .filter(t -> "FAILED".equals(t.state()))
            .map(t -> Integer.toString(t.id()))
            .toList();
    return failed.isEmpty()
        ? null
        : "The following tasks have failed: "
            + String.join(", ", failed)
            + ", see connectorStatus for more details.";
  }

  Condition warning(String reason, String message) {
    return new ConditionBuilder()
        .withType("Warning")
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(clock.instant().toString())
        .build();
  }

  void write(
      KafkaConnector resource,
      ConnectorStatus connectStatus,
      List<Condition> warnings,
      String notReady) {
    KafkaConnector current =
        client
            .resources(KafkaConnector.class)
            .inNamespace(resource.getMetadata().getNamespace())
            .withName(resource.getMetadata().getName())
            .get();
    if (current == null) {
      return;
    }
    KafkaConnectorStatus status = new KafkaConnectorStatus();
    status.setObservedGeneration(
        Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L));
    if (connectStatus != null) {
      status.setConnectorStatus(connectorStatusJson(connectStatus));
      status.setTasksMax(connectStatus.tasks().size());
    }
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        notReady == null
            ? new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withLastTransitionTime(clock.instant().toString())
                .build()
            : new ConditionBuilder()
                .withType("NotReady")
                .withStatus("True")
                .withReason(connectStatus == null ? "ConnectRestException" : "Throwable")
                .withMessage(notReady)
                .withLastTransitionTime(clock.instant().toString())
                .build());
    conditions.addAll(warnings);
    status.setConditions(conditions);
    if (current.getStatus() != null && sameIgnoringTransitionTimes(current.getStatus(), status)) {
      return;
    }
    current.setStatus(status);
    client.resource(current).updateStatus();
  }

  private static boolean sameIgnoringTransitionTimes(
      KafkaConnectorStatus a, KafkaConnectorStatus b) {
    return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
        && Objects.equals(a.getConnectorStatus(), b.getConnectorStatus())
        && Objects.equals(a.getTasksMax(), b.getTasksMax())
        && Objects.equals(withoutTimes(a.getConditions()), withoutTimes(b.getConditions()));
  }

  private static List<List<String>> withoutTimes(List<Condition> conditions) {
    return conditions == null
        ? List.of()
        : conditions.stream()
            .map(
                c ->
                    java.util.Arrays.asList(
                        c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
            .toList();
  }
}
