package io.twinlog.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorHealthTest {

  @Test
  void runningConnectorWithRunningTasksIsHealthy() {
    ConnectorHealth health =
        ConnectorHealth.of(ConnectorStatuses.connector("a", ConnectorStatuses.running("a")));

    assertThat(health.healthy()).isTrue();
    assertThat(health.state()).isEqualTo("RUNNING");
    assertThat(health.tasks()).containsExactly(new TaskHealth(0, "RUNNING", null));
    assertThat(health.failures()).isEmpty();
  }

  @Test
  void connectorWithoutStatusOrTasksIsNotHealthy() {
    assertThat(ConnectorHealth.of(ConnectorStatuses.connector("a", null)).healthy()).isFalse();
    assertThat(ConnectorHealth.of(null).state()).isEqualTo(ConnectorHealth.UNKNOWN);
    Map<String, Object> noTasks = ConnectorStatuses.of("a", "RUNNING", null, List.of());
    assertThat(ConnectorHealth.of(ConnectorStatuses.connector("a", noTasks)).healthy()).isFalse();
  }

  @Test
  void failedTaskIsAFailureOfThatTask() {
    String trace = Traces.read("connection-refused");
    ConnectorHealth health =
        ConnectorHealth.of(
            ConnectorStatuses.connector("a", ConnectorStatuses.taskFailed("a", trace)));

    assertThat(health.healthy()).isFalse();
    assertThat(health.failures()).containsExactly(new Failure(0, trace));
    Failure failure = health.decisiveFailure().orElseThrow();
    assertThat(failure.target()).isEqualTo("task 0");
    assertThat(failure.kind()).isEqualTo(FailureKind.RESTARTABLE);
    assertThat(failure.summary())
        .isEqualTo("task 0: java.net.ConnectException: Connection refused");
  }

  @Test
  void unrecoverableFailureOfOneTaskDecidesOverARestartableConnectorFailure() {
    Map<String, Object> status =
        ConnectorStatuses.of(
            "a",
            "FAILED",
            Traces.read("binlog-reader-disconnected"),
            List.<Object[]>of(
                new Object[] {1, "RUNNING"},
                new Object[] {0, "FAILED", Traces.read("mariadb-1236-gtid-purged")}));
    ConnectorHealth health = ConnectorHealth.of(ConnectorStatuses.connector("a", status));

    assertThat(health.tasks()).extracting(TaskHealth::id).containsExactly(0, 1);
    assertThat(health.failures()).hasSize(2);
    assertThat(health.failures().get(0).connectorLevel()).isTrue();
    assertThat(health.decisiveFailure().orElseThrow().kind())
        .isEqualTo(FailureKind.BINLOG_POSITION_PURGED);
  }

  @Test
  void pendingRestartAnnotationIsSeen() {
    KafkaConnector kc = ConnectorStatuses.connector("a", ConnectorStatuses.running("a"));
    kc.getMetadata().setAnnotations(Map.of(RestartAnnotations.RESTART_TASK, "0"));

    assertThat(ConnectorHealth.of(kc).restartPending()).isTrue();
  }

  @Test
  void strimziNotReadyMessageIsKept() {
    KafkaConnector kc = ConnectorStatuses.connector("a", null);
    KafkaConnectorStatus status = new KafkaConnectorStatus();
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("NotReady")
                .withStatus("True")
                .withReason("ConnectRestException")
                .withMessage("Failed to find any class that implements Connector")
                .build()));
    kc.setStatus(status);

    assertThat(ConnectorHealth.of(kc).notReadyMessage())
        .isEqualTo("Failed to find any class that implements Connector");
  }

  @Test
  void restartAnnotationsFollowStrimzi() {
    assertThat(RestartAnnotations.forFailure(new Failure(null, "x")))
        .isEqualTo(Map.entry("strimzi.io/restart", "true"));
    assertThat(RestartAnnotations.forFailure(new Failure(2, "x")))
        .isEqualTo(Map.entry("strimzi.io/restart-task", "2"));
  }
}
