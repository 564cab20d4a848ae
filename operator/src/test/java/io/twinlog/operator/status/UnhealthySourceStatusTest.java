package io.twinlog.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.ConnectorStatuses;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.RestartPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sources Connect reports running but Twinlog does not count as healthy: silent ones (no heartbeat
 * for three intervals) and ones the dedup runtime distrusts; and the Connect REST fallback note.
 */
class UnhealthySourceStatusTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final RestartPolicy POLICY =
      new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), null);

  private static ConnectorHealth running() {
    return ConnectorHealth.of(ConnectorStatuses.connector("c", ConnectorStatuses.running("c")));
  }

  private static ConnectorHealth failed() {
    return ConnectorHealth.of(
        ConnectorStatuses.connector("c", ConnectorStatuses.taskFailed("c", "Connection refused")));
  }

  private static CdcPipelineStatus status(SourceObservation b, String fallback) {
    SourceObservation a =
        new SourceObservation(
            "replica-a",
            "orders-source-replica-a",
            running(),
            POLICY.decide(running(), RestartHistory.none(), T0));
    return StatusAggregator.aggregate(
        new Observation(
            1,
            PipelineState.RUNNING,
            List.of(a, b),
            new DedupObservation(2, 2),
            null,
            null,
            fallback),
        null,
        T0);
  }

  private static SourceObservation b(
      ConnectorHealth health, SourceProblem silence, SourceProblem anomaly) {
    return new SourceObservation(
        "replica-b",
        "orders-source-replica-b",
        health,
        POLICY.decide(health, RestartHistory.none(), T0),
        silence,
        anomaly);
  }

  private static Condition condition(CdcPipelineStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }

  @Test
  void aSilentSourceIsNotReadyWhileConnectSaysRunning() {
    SourceProblem silence =
        new SourceProblem(Reasons.SOURCE_SILENT, "no heartbeat since 09:59:40Z (3 x 5s)");
    CdcPipelineStatus status = status(b(running(), silence, null), null);
    assertThat(status.getSourcesReady()).isEqualTo("1/2");
    assertThat(status.getSources().get(1).getReason()).isEqualTo(Reasons.SOURCE_SILENT);
    assertThat(status.getSources().get(1).getLastError()).contains("no heartbeat since");
    assertThat(condition(status, ConditionTypes.SOURCES_HEALTHY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", Reasons.SOURCE_SILENT);
    assertThat(condition(status, ConditionTypes.READY).getReason()).isEqualTo(Reasons.DEGRADED);
  }

  @Test
  void aFailedTaskOutranksSilenceAndAnAnomalyOutranksARestart() {
    SourceProblem silence = new SourceProblem(Reasons.SOURCE_SILENT, "silent");
    CdcPipelineStatus failedAndSilent = status(b(failed(), silence, null), null);
    assertThat(failedAndSilent.getSources().get(1).getReason()).isEqualTo(Reasons.CONNECTOR_FAILED);
    assertThat(failedAndSilent.getSources().get(1).getLastError()).contains("Connection refused");
    assertThat(condition(failedAndSilent, ConditionTypes.SOURCES_HEALTHY).getMessage())
        .as("the message names every held problem, so each is announced once")
        .contains("Connection refused")
        .contains("; silent");

    SourceProblem anomaly =
        new SourceProblem("SourceSkipped", "the dedup runtime reported source-skipped");
    CdcPipelineStatus failedAndDistrusted = status(b(failed(), null, anomaly), null);
    assertThat(failedAndDistrusted.getSources().get(1).getReason()).isEqualTo("SourceSkipped");
    assertThat(condition(failedAndDistrusted, ConditionTypes.SOURCES_HEALTHY).getReason())
        .isEqualTo("SourceSkipped");
    assertThat(failedAndDistrusted.getSources().get(1).getRestarts())
        .as("the restart still happens")
        .isEqualTo(1);
  }

  @Test
  void theConnectFallbackIsNotedInTheConditionMessages() {
    CdcPipelineStatus status =
        status(b(running(), null, null), "Connect's REST API is unreachable at http://x:8083.");
    assertThat(condition(status, ConditionTypes.SOURCES_HEALTHY))
        .extracting(Condition::getStatus, Condition::getMessage)
        .containsExactly(
            "True",
            "All 2 source connectors run. Connect's REST API is unreachable at http://x:8083.");
  }
}
