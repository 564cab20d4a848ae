package io.twinlog.operator.health;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorBuilder;
import io.strimzi.api.kafka.model.connector.KafkaConnectorStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@code status.connectorStatus} maps the way Strimzi copies them from Kafka Connect. */
public final class ConnectorStatuses {
  private ConnectorStatuses() {}

  /** Connect's status document: connector state (+ trace) and tasks given as id, state, trace. */
  public static Map<String, Object> of(
      String name, String connectorState, String connectorTrace, List<Object[]> tasks) {
    Map<String, Object> connector = new LinkedHashMap<>();
    connector.put("state", connectorState);
    connector.put("worker_id", "cdc-connect-connect-0.cdc-connect-connect:8083");
    if (connectorTrace != null) {
      connector.put("trace", connectorTrace);
    }
    List<Map<String, Object>> taskList =
        tasks.stream()
            .map(
                t -> {
                  Map<String, Object> task = new LinkedHashMap<>();
                  task.put("id", t[0]);
                  task.put("state", t[1]);
                  task.put("worker_id", "cdc-connect-connect-0.cdc-connect-connect:8083");
                  if (t.length > 2 && t[2] != null) {
                    task.put("trace", t[2]);
                  }
                  return task;
                })
            .toList();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("name", name);
    status.put("connector", connector);
    status.put("tasks", taskList);
    status.put("type", "source");
    return status;
  }

  /** A RUNNING connector with one RUNNING task. */
  public static Map<String, Object> running(String name) {
    return of(name, "RUNNING", null, List.<Object[]>of(new Object[] {0, "RUNNING"}));
  }

  /** A RUNNING connector whose task 0 FAILED with the given trace. */
  public static Map<String, Object> taskFailed(String name, String trace) {
    return of(name, "RUNNING", null, List.<Object[]>of(new Object[] {0, "FAILED", trace}));
  }

  /** A KafkaConnector carrying the given connectorStatus (null for none). */
  public static KafkaConnector connector(String name, Map<String, Object> connectorStatus) {
    KafkaConnector kc =
        new KafkaConnectorBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withClassName("io.debezium.connector.mariadb.MariaDbConnector")
            .withTasksMax(1)
            .endSpec()
            .build();
    if (connectorStatus != null) {
      KafkaConnectorStatus status = new KafkaConnectorStatus();
      status.setConnectorStatus(connectorStatus);
      kc.setStatus(status);
    }
    return kc;
  }
}
