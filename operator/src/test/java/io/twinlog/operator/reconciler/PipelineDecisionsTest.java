package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.ConsistentStart;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.ConnectorStatuses;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.observe.ConnectReading;
import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.status.SourceProblem;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The decide step, pure: which health a decision sees (Connect's answer, Strimzi's status, or a
 * restart still pending), what it decides for each connector, and which Events it tells.
 */
class PipelineDecisionsTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static PipelineView view(
      CdcPipeline pipeline,
      CdcPipelineStatus previous,
      Map<String, KafkaConnector> connectors,
      SourceSignals.Seen signals,
      SourceStarts.Decision starts) {
    return new PipelineView(
        previous,
        connectors,
        null,
        new SourceChecks.Seen(null, null, Map.of()),
        signals,
        new ConnectStatuses.Seen("http://connect:8083", Map.of(), null),
        starts,
        Set.of(),
        T0);
  }

  /** What the decide step makes of a pipeline outside any start. */
  private static PipelineDecisions.Decided decide(
      CdcPipeline pipeline,
      CdcPipelineStatus previous,
      Map<String, KafkaConnector> connectors,
      SourceSignals.Seen signals) {
    return PipelineDecisions.decide(
        pipeline,
        DesiredResources.of(pipeline),
        view(pipeline, previous, connectors, signals, noStart()));
  }

  private static SourceStarts.Decision noStart() {
    return new SourceStarts.Decision(
        ConsistentStart.Plan.NONE, List.of(), List.of(), Map.of(), false);
  }

  /** Every source connector of the pipeline with a failed task, as Strimzi reports it. */
  private static Map<String, KafkaConnector> failing(DesiredResources desired) {
    return connectors(desired, name -> ConnectorStatuses.taskFailed(name, "boom"));
  }

  /** Every source connector of the pipeline, with the status Strimzi reports for it. */
  private static Map<String, KafkaConnector> connectors(
      DesiredResources desired, java.util.function.Function<String, Map<String, Object>> status) {
    Map<String, KafkaConnector> connectors = new HashMap<>();
    desired
        .sources()
        .forEach(
            s ->
                connectors.put(
                    s.connectorName(),
                    ConnectorStatuses.connector(
                        s.connectorName(), status.apply(s.connectorName()))));
    return connectors;
  }

  @Test
  void aFailedTaskIsRestartedOnceAndEachConnectorIsActedOnUnderItsReplica() {
    CdcPipeline pipeline = TestPipelines.minimal();
    DesiredResources desired = DesiredResources.of(pipeline);
    PipelineDecisions.Decided decided =
        decide(pipeline, null, failing(desired), SourceSignals.Seen.none());
    assertThat(decided.acts())
        .extracting(PipelineDecisions.ConnectorAct::part)
        .containsExactly("replica-a", "replica-b");
    assertThat(decided.acts())
        .allSatisfy(a -> assertThat(a.decision()).isInstanceOf(RestartDecision.Restart.class));
    assertThat(decided.observation().sources())
        .extracting(o -> o.replica() + "=" + o.connectorName())
        .containsExactly(
            "replica-a=" + desired.sources().get(0).connectorName(),
            "replica-b=" + desired.sources().get(1).connectorName());
  }

  @Test
  void aKafkaClusterThatCannotBeReadIsNamedInTheStatusAndToldOnce() {
    CdcPipeline pipeline = TestPipelines.minimal();
    DesiredResources desired = DesiredResources.of(pipeline);
    String note =
        SourceSignals.HEARTBEATS_UNREAD
            + " from Kafka at kafka:9092 (failing since 2026-12-01T09:59:00Z:"
            + " SaslAuthenticationException: invalid credentials): stall and silence detection are"
            + " off and dead-letter counts are stale until they are read again.";
    SourceSignals.Seen unread =
        new SourceSignals.Seen(Map.of(), Map.of(), Map.of(), Map.of(), null, Map.of(), note);
    PipelineDecisions.Decided first = decide(pipeline, null, Map.of(), unread);
    assertThat(first.announcements())
        .extracting(Announcement::reason)
        .containsExactly("HeartbeatsUnread");
    CdcPipelineStatus status =
        io.twinlog.operator.status.StatusAggregator.aggregate(first.observation(), null, T0);
    assertThat(PipelineDecisions.conditionMessage(status, "SourcesHealthy")).endsWith(note);
    assertThat(decide(pipeline, status, Map.of(), unread).announcements()).isEmpty();
  }

  /**
   * After an operator restart no check has answered yet: a replica's finding in the status stands
   * until one does, instead of the source turning healthy and back at the next check.
   */
  @Test
  void aPreflightFindingInTheStatusStandsUntilACheckAnswersAfterAnOperatorRestart() {
    CdcPipeline pipeline = TestPipelines.minimal();
    DesiredResources desired = DesiredResources.of(pipeline);
    Map<String, KafkaConnector> running = connectors(desired, ConnectorStatuses::running);
    var unfit =
        new SourceCheckResult(
            "replica-b",
            T0,
            List.of(new Finding(FindingReason.BINLOG_FORMAT_NOT_ROW, Severity.ERROR, "statements")),
            null);
    SourceSignals.Seen beating =
        new SourceSignals.Seen(
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of("replica-a", T0.plusSeconds(50), "replica-b", T0.plusSeconds(50)),
            null,
            Map.of(),
            null);
    PipelineView checked =
        new PipelineView(
            null,
            running,
            null,
            new SourceChecks.Seen(null, null, Map.of("replica-b", unfit)),
            beating,
            new ConnectStatuses.Seen("http://connect:8083", Map.of(), null),
            noStart(),
            Set.of(),
            T0.plusSeconds(60));
    CdcPipelineStatus before =
        io.twinlog.operator.status.StatusAggregator.aggregate(
            PipelineDecisions.decide(pipeline, desired, checked).observation(),
            null,
            T0.plusSeconds(60));
    assertThat(before.getSources().get(1).getReason()).isEqualTo("BinlogFormatNotRow");

    CdcPipelineStatus afterRestart =
        io.twinlog.operator.status.StatusAggregator.aggregate(
            decide(pipeline, before, running, beating).observation(), before, T0.plusSeconds(120));
    assertThat(afterRestart.getSources().get(1).getReason()).isEqualTo("BinlogFormatNotRow");
    assertThat(afterRestart.getSources().get(1).getLastError())
        .isEqualTo(before.getSources().get(1).getLastError());
    assertThat(afterRestart.getSourcesReady()).isEqualTo(before.getSourcesReady());

    // An "unreachable" finding a newer heartbeat contradicts is not carried.
    SourceStatus down = new SourceStatus();
    down.setReason("SourceUnreachable");
    down.setLastError("source check at " + T0 + ": refused");
    assertThat(PipelineDecisions.carriedPreflight(down, T0.minusSeconds(1))).isNotNull();
    assertThat(PipelineDecisions.carriedPreflight(down, T0.plusSeconds(1))).isNull();
  }

  @Test
  void aPausedOrStoppedPipelineIsNeverRestarted() {
    for (PipelineState state : List.of(PipelineState.PAUSED, PipelineState.STOPPED)) {
      CdcPipeline pipeline = TestPipelines.minimal();
      pipeline.getSpec().setState(state);
      DesiredResources desired = DesiredResources.of(pipeline);
      PipelineDecisions.Decided decided =
          decide(pipeline, null, failing(desired), SourceSignals.Seen.none());
      assertThat(decided.acts())
          .as(state.toString())
          .allSatisfy(a -> assertThat(a.decision()).isInstanceOf(RestartDecision.NotFailing.class));
    }
  }

  @Test
  void aConnectorNotCreatedYetIsNotActedOn() {
    CdcPipeline pipeline = TestPipelines.minimal();
    PipelineDecisions.Decided decided =
        PipelineDecisions.decide(
            pipeline,
            DesiredResources.of(pipeline),
            view(pipeline, null, Map.of(), SourceSignals.Seen.none(), noStart()));
    assertThat(decided.acts()).isEmpty();
    assertThat(decided.observation().sources()).hasSize(2);
  }

  @Test
  void aSilentSourceIsToldOnceAndASourceHeldStoppedInItsStartIsNeitherSilentNorStalled() {
    CdcPipeline pipeline = TestPipelines.minimal();
    DesiredResources desired = DesiredResources.of(pipeline);
    Map<String, KafkaConnector> running = connectors(desired, ConnectorStatuses::running);
    SourceSignals.Seen silentAndStalled =
        new SourceSignals.Seen(
            Map.of(
                "replica-b",
                new io.twinlog.operator.health.Failure(
                    0, "no heartbeat for 3m", io.twinlog.operator.health.FailureKind.STALLED)),
            Map.of("replica-b", "no heartbeat for 30s while replica-a beats"),
            Map.of(),
            Map.of("replica-a", T0),
            null,
            Map.of(),
            null);
    PipelineDecisions.Decided first = decide(pipeline, null, running, silentAndStalled);
    assertThat(first.announcements())
        .extracting(Announcement::reason, Announcement::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "SourceSilent",
                "replica-b ("
                    + desired.sources().get(1).connectorName()
                    + "): no heartbeat for 30s while replica-a beats"));
    assertThat(first.acts().get(1).decision()).isInstanceOf(RestartDecision.Restart.class);

    CdcPipelineStatus told =
        io.twinlog.operator.status.StatusAggregator.aggregate(first.observation(), null, T0);
    assertThat(decide(pipeline, told, running, silentAndStalled).announcements())
        .as("the status already names the silence")
        .isEmpty();

    ConsistentStart.Plan heldB =
        new ConsistentStart.Plan(
            Map.of("replica-b", ConsistentStart.Start.waiting(T0)), List.of(), List.of());
    PipelineDecisions.Decided held =
        PipelineDecisions.decide(
            pipeline,
            desired,
            view(
                pipeline,
                null,
                running,
                silentAndStalled,
                new SourceStarts.Decision(heldB, List.of(), List.of(), Map.of(), false)));
    assertThat(held.announcements()).isEmpty();
    assertThat(held.acts().get(1).decision()).isNotInstanceOf(RestartDecision.Restart.class);
    assertThat(held.observation().sources().get(1).silence()).isNull();
  }

  @Test
  void connectsOwnAnswerWinsOverStrimzisOlderStatus() {
    var strimziSaysRunning = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    var connectSaysFailed = new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0);
    ConnectorHealth health =
        PipelineDecisions.health(strimziSaysRunning, connectSaysFailed, RestartHistory.none());
    assertThat(health.state()).isEqualTo(ConnectorHealth.RUNNING);
    assertThat(health.tasks().get(0).failed()).isTrue();
    assertThat(health.restartPending()).isFalse();
  }

  @Test
  void withoutAFreshAnswerStrimzisStatusIsUsed() {
    var strimziSaysRunning = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    assertThat(PipelineDecisions.health(strimziSaysRunning, null, RestartHistory.none()).healthy())
        .isTrue();
  }

  @Test
  void anAnswerOlderThanTheLastRestartCountsAsThatRestartStillPending() {
    var connector = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    var before = new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0);
    RestartHistory restarted = new RestartHistory(1, 1, T0.plusSeconds(1));
    assertThat(PipelineDecisions.health(connector, before, restarted).restartPending()).isTrue();
    var sameSecond =
        new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0.plusMillis(1_500));
    assertThat(PipelineDecisions.health(connector, sameSecond, restarted).restartPending())
        .as("restart times are whole seconds in status: the same second may predate it")
        .isTrue();
    var after = new ConnectReading(ConnectorStatuses.taskFailed("c", "boom"), T0.plusSeconds(2));
    assertThat(PipelineDecisions.health(connector, after, restarted).restartPending()).isFalse();
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
    assertThat(PipelineDecisions.preflight(unfit, null))
        .extracting(SourceProblem::reason, SourceProblem::detail)
        .containsExactly("BinlogFormatNotRow", "source check at " + T0 + ": statements");

    var down =
        new SourceCheckResult(
            "replica-a",
            T0,
            List.of(new Finding(FindingReason.UNREACHABLE, Severity.ERROR, "refused")),
            null);
    assertThat(PipelineDecisions.preflight(down, T0.minusSeconds(5)).reason())
        .isEqualTo("SourceUnreachable");
    assertThat(PipelineDecisions.preflight(down, T0.plusSeconds(5)))
        .as("Connect reaches the replica again: its heartbeat is newer than the check")
        .isNull();
    var retentionOnly =
        new SourceCheckResult(
            "replica-a",
            T0,
            List.of(new Finding(FindingReason.RETENTION_TOO_SHORT, Severity.WARNING, "r")),
            null);
    assertThat(PipelineDecisions.preflight(retentionOnly, null)).isNull();
  }

  @Test
  void aConnectorConnectDoesNotKnowYetIsNotHealthy() {
    var connector = ConnectorStatuses.connector("c", ConnectorStatuses.running("c"));
    var absent = new ConnectReading(null, T0);
    assertThat(PipelineDecisions.health(connector, absent, RestartHistory.none()).state())
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
    assertThat(PipelineDecisions.unfixedByRestart(lost))
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
    assertThat(PipelineDecisions.unfixedByRestart(atRisk)).isNull();
    assertThat(PipelineDecisions.unfixedByRestart(null)).isNull();
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
    assertThat(PipelineDecisions.unfixedByRestart(refused))
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(io.twinlog.operator.health.FailureKind.TLS_REQUIRED);
              assertThat(f.kind().restartable()).isFalse();
              assertThat(f.kind().reason()).isEqualTo(FindingReason.TLS_REQUIRED.conditionReason());
            });
    assertThat(
            PipelineDecisions.unfixedByRestart(
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
