package io.twinlog.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.ConnectorStatuses;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.RestartPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stalled source in status: Stalled reason, stalled flag, Ready stays True while one runs. */
class StalledSourceStatusTest {
  private static final Instant T0 = Instant.parse("2026-11-21T02:00:00Z");
  private static final RestartPolicy POLICY =
      new RestartPolicy(
          Duration.ofSeconds(10), Duration.ofMinutes(10), null, Duration.ofMinutes(2));
  private static final Failure STALL =
      Failure.stalled(0, "no heartbeat or change event since 2026-11-21T01:57:00Z");

  private static ConnectorHealth running() {
    return ConnectorHealth.of(ConnectorStatuses.connector("c", ConnectorStatuses.running("c")));
  }

  private static CdcPipelineStatus status(RestartDecision stalledDecision) {
    SourceObservation a =
        new SourceObservation(
            "replica-a",
            "orders-replica-a",
            running(),
            POLICY.decide(running(), RestartHistory.none(), T0));
    SourceObservation b =
        new SourceObservation("replica-b", "orders-replica-b", running(), stalledDecision);
    return StatusAggregator.aggregate(
        new Observation(
            1, PipelineState.RUNNING, List.of(a, b), new DedupObservation(2, 2), null, null),
        null,
        T0);
  }

  private static Condition condition(CdcPipelineStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }

  @Test
  void aStalledSourceIsRestartedAndReportedWhileThePipelineStaysReady() {
    RestartDecision decision = POLICY.decide(running(), RestartHistory.none(), T0, STALL);
    assertThat(decision).isInstanceOf(RestartDecision.Restart.class);

    CdcPipelineStatus status = status(decision);
    SourceStatus b = status.getSources().get(1);
    assertThat(b.getStalled()).isTrue();
    assertThat(b.getReason()).isEqualTo(Reasons.STALLED);
    assertThat(b.getLastError()).startsWith("task 0: Stalled: no heartbeat");
    assertThat(b.getRestarts()).isEqualTo(1);
    assertThat(status.getSources().get(0).getStalled()).isNull();
    assertThat(condition(status, ConditionTypes.SOURCES_HEALTHY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", Reasons.STALLED);
    assertThat(condition(status, ConditionTypes.READY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", Reasons.DEGRADED);
    assertThat(status.getSourcesReady()).isEqualTo("1/2");
  }

  @Test
  void oneStallIsNotRestartedTwice() {
    RestartDecision first = POLICY.decide(running(), RestartHistory.none(), T0, STALL);
    RestartHistory afterRestart = first.history();

    ConnectorHealth pending =
        new ConnectorHealth(
            running().state(), running().tasks(), null, null, /* restartPending= */ true);
    assertThat(POLICY.decide(pending, afterRestart, T0.plusSeconds(1), STALL))
        .as("annotation not consumed yet")
        .isInstanceOf(RestartDecision.Wait.class);
    RestartDecision backoff = POLICY.decide(running(), afterRestart, T0.plusSeconds(30), STALL);
    assertThat(backoff)
        .as("the restarted task gets stallAfter to resume, longer than the 10 s backoff")
        .isInstanceOf(RestartDecision.Wait.class);
    assertThat(backoff.recheckAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    assertThat(status(backoff).getSources().get(1))
        .extracting(SourceStatus::getReason, SourceStatus::getStalled)
        .containsExactly(Reasons.STALLED, true);

    assertThat(POLICY.decide(running(), afterRestart, T0.plus(Duration.ofMinutes(2)), STALL))
        .as("still stalled stallAfter after the restart: restarted again")
        .isInstanceOf(RestartDecision.Restart.class);
    assertThat(POLICY.decide(running(), afterRestart, T0.plusSeconds(30), null))
        .as("heartbeats resumed: healthy, backoff settles later")
        .isInstanceOf(RestartDecision.Healthy.class);
  }

  @Test
  void aStallOfAConnectorThatConnectReportsFailedIsHandledAsThatFailure() {
    ConnectorHealth failed =
        ConnectorHealth.of(
            ConnectorStatuses.connector("c", ConnectorStatuses.taskFailed("c", "boom")));
    RestartDecision decision = POLICY.decide(failed, RestartHistory.none(), T0, STALL);
    assertThat(decision).isInstanceOf(RestartDecision.Restart.class);
    assertThat(((RestartDecision.Restart) decision).failure().trace()).isEqualTo("boom");
  }
}
