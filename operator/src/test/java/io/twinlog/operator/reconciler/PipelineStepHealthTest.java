package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.ConnectorStatuses;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.observe.ConnectReading;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which health a decision sees: Connect's answer, Strimzi's status, or a restart still pending. */
class PipelineStepHealthTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void connectsOwnAnswerWinsOverStrimzisOlderStatus() {
    var strimziSaysRunning = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    var connectSaysFailed = new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0);
    ConnectorHealth health =
        PipelineStep.health(strimziSaysRunning, connectSaysFailed, RestartHistory.none());
    assertThat(health.state()).isEqualTo(ConnectorHealth.RUNNING);
    assertThat(health.tasks().get(0).failed()).isTrue();
    assertThat(health.restartPending()).isFalse();
  }

  @Test
  void withoutAFreshAnswerStrimzisStatusIsUsed() {
    var strimziSaysRunning = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    assertThat(PipelineStep.health(strimziSaysRunning, null, RestartHistory.none()).healthy())
        .isTrue();
  }

  @Test
  void anAnswerOlderThanTheLastRestartCountsAsThatRestartStillPending() {
    var connector = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    var before = new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0);
    RestartHistory restarted = new RestartHistory(1, 1, T0.plusSeconds(1));
    assertThat(PipelineStep.health(connector, before, restarted).restartPending()).isTrue();
    var after = new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0.plusSeconds(2));
    assertThat(PipelineStep.health(connector, after, restarted).restartPending()).isFalse();
  }

  @Test
  void aConnectorConnectDoesNotKnowYetIsNotHealthy() {
    var connector = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    var absent = new ConnectReading(null, T0);
    assertThat(PipelineStep.health(connector, absent, RestartHistory.none()).state())
        .isEqualTo(ConnectorHealth.UNKNOWN);
    assertThat(Map.of()).isEmpty();
  }
}
