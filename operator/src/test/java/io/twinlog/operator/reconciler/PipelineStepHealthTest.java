package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.ConnectorStatuses;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.observe.ConnectReading;
import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.status.SourceProblem;
import java.time.Instant;
import java.util.List;
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
    var sameSecond =
        new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0.plusMillis(1_500));
    assertThat(PipelineStep.health(connector, sameSecond, restarted).restartPending())
        .as("restart times are whole seconds in status: the same second may predate it")
        .isTrue();
    var after = new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0.plusSeconds(2));
    assertThat(PipelineStep.health(connector, after, restarted).restartPending()).isFalse();
  }

  @Test
  void theWorstSourceFindingIsTheProblemAndUnreachableEndsWithTheNextHeartbeat() {
    var unfit =
        new SourceCheckResult(
            "replica-b",
            T0,
            List.of(
                new Finding(FindingReason.REPLICA_UPDATES_NOT_LOGGED, Severity.WARNING, "w"),
                new Finding(FindingReason.BINLOG_FORMAT_NOT_ROW, Severity.ERROR, "statements"),
                new Finding(FindingReason.RETENTION_TOO_SHORT, Severity.WARNING, "retention")),
            null);
    assertThat(PipelineStep.preflight(unfit, null))
        .extracting(SourceProblem::reason, SourceProblem::detail)
        .containsExactly("BinlogFormatNotRow", "source check at " + T0 + ": statements");

    var down =
        new SourceCheckResult(
            "replica-a",
            T0,
            List.of(new Finding(FindingReason.UNREACHABLE, Severity.ERROR, "refused")),
            null);
    assertThat(PipelineStep.preflight(down, T0.minusSeconds(5)).reason())
        .isEqualTo("SourceUnreachable");
    assertThat(PipelineStep.preflight(down, T0.plusSeconds(5)))
        .as("Connect reaches the replica again: its heartbeat is newer than the check")
        .isNull();
    var retentionOnly =
        new SourceCheckResult(
            "replica-a",
            T0,
            List.of(new Finding(FindingReason.RETENTION_TOO_SHORT, Severity.WARNING, "r")),
            null);
    assertThat(PipelineStep.preflight(retentionOnly, null)).isNull();
  }

  @Test
  void aConnectorConnectDoesNotKnowYetIsNotHealthy() {
    var connector = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    var absent = new ConnectReading(null, T0);
    assertThat(PipelineStep.health(connector, absent, RestartHistory.none()).state())
        .isEqualTo(ConnectorHealth.UNKNOWN);
    assertThat(Map.of()).isEmpty();
  }

  /**
   * A slot the check found lost is a failure no restart fixes, whatever Connect says (Debezium
   * retries a lost slot for 30 minutes while RUNNING); a slot at risk is not yet one.
   */
  @Test
  void aLostSlotIsAnUnrecoverableFailureAndASlotAtRiskIsNot() {
    Instant at = Instant.parse("2026-12-02T02:00:00Z");
    SourceCheckResult lost =
        new SourceCheckResult(
            "standby-b",
            at,
            List.of(
                new Finding(
                    FindingReason.SLOT_LOST,
                    Severity.ERROR,
                    "slot twinlog_x is lost (wal_removed)")),
            null);
    assertThat(PipelineStep.unfixedByRestart(lost))
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(io.twinlog.operator.health.FailureKind.SLOT_LOST);
              assertThat(f.kind().restartable()).isFalse();
              assertThat(f.summary()).contains("slot twinlog_x is lost");
            });
    SourceCheckResult atRisk =
        new SourceCheckResult(
            "standby-b",
            at,
            List.of(new Finding(FindingReason.SLOT_AT_RISK, Severity.WARNING, "unreserved")),
            null);
    assertThat(PipelineStep.unfixedByRestart(atRisk)).isNull();
    assertThat(PipelineStep.unfixedByRestart(null)).isNull();
  }

  @Test
  void tlsThatDoesNotFitTheReplicaIsAFailureNoRestartFixes() {
    SourceCheckResult refused =
        new SourceCheckResult(
            "replica-a",
            Instant.parse("2026-12-02T02:00:00Z"),
            List.of(
                new Finding(
                    FindingReason.TLS_REQUIRED,
                    Severity.ERROR,
                    "replica-a accepts user cdc only over TLS")),
            null);
    assertThat(PipelineStep.unfixedByRestart(refused))
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(io.twinlog.operator.health.FailureKind.TLS_REQUIRED);
              assertThat(f.kind().restartable()).isFalse();
              assertThat(f.kind().reason()).isEqualTo(FindingReason.TLS_REQUIRED.conditionReason());
            });
    assertThat(
            PipelineStep.unfixedByRestart(
                    new SourceCheckResult(
                        "replica-a",
                        Instant.parse("2026-12-02T02:00:00Z"),
                        List.of(
                            new Finding(FindingReason.TLS_FAILED, Severity.ERROR, "PKIX path ...")),
                        null))
                .kind())
        .isEqualTo(io.twinlog.operator.health.FailureKind.TLS_FAILED);
  }
}
