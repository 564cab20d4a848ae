package io.twinlog.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.DeadLetterStatus;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.ConnectorStatuses;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.RestartPolicy;
import io.twinlog.operator.health.Traces;
import io.twinlog.operator.observe.DeadLetterReading;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status as a pure function of what was observed (after keycloak's KeycloakStatusTest). */
class StatusAggregatorTest {

  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final RestartPolicy POLICY =
      new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), null);

  private static SourceObservation source(String replica, ConnectorHealth health) {
    return source(replica, health, RestartHistory.none());
  }

  private static SourceObservation source(
      String replica, ConnectorHealth health, RestartHistory history) {
    return new SourceObservation(
        replica, "orders-" + replica, health, POLICY.decide(health, history, T0));
  }

  private static ConnectorHealth running() {
    return ConnectorHealth.of(ConnectorStatuses.connector("c", ConnectorStatuses.running("c")));
  }

  private static ConnectorHealth failed(String traceFile) {
    return ConnectorHealth.of(
        ConnectorStatuses.connector(
            "c", ConnectorStatuses.taskFailed("c", Traces.read(traceFile))));
  }

  private static SinkObservation sink(ConnectorHealth health) {
    return new SinkObservation(
        "orders-erp-sink", health, POLICY.decide(health, RestartHistory.none(), T0));
  }

  private static Observation observation(
      PipelineState state, List<SourceObservation> sources, int dedupReady, SinkObservation sink) {
    return new Observation(3, state, sources, new DedupObservation(dedupReady, 2), sink, null);
  }

  private static Condition condition(CdcPipelineStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }

  @Test
  void severalReplicasMessagesDoNotRunTogether() {
    assertThat(
            StatusAggregator.joined(
                java.util.List.of(
                    "replica-a (orders-source-replica-a): no heartbeat since 10:00 (spec 15m)",
                    "replica-b (orders-source-replica-b): task 0 FAILED.")))
        .isEqualTo(
            "replica-a (orders-source-replica-a): no heartbeat since 10:00 (spec 15m); replica-b"
                + " (orders-source-replica-b): task 0 FAILED.");
    assertThat(StatusAggregator.joined(java.util.List.of())).isEmpty();
  }

  @Test
  void everythingRunningIsReadyAndDelivering() {
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            observation(
                PipelineState.RUNNING,
                List.of(source("replica-a", running()), source("replica-b", running())),
                2,
                sink(running())),
            null,
            T0);

    assertThat(condition(status, ConditionTypes.READY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", Reasons.DELIVERING);
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            "Ready",
            "SourcesHealthy",
            "DedupReady",
            "SinkReady",
            "BinlogRetentionOk",
            "Reconciling",
            "Stalled");
    assertThat(status.getConditions())
        .allSatisfy(
            c -> {
              assertThat(c.getObservedGeneration()).isEqualTo(3L);
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-20T10:00:00Z");
            });
    assertThat(condition(status, ConditionTypes.BINLOG_RETENTION_OK))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("Unknown", Reasons.NOT_CHECKED);
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getSourcesReady()).isEqualTo("2/2");
    assertThat(status.getDedupReady()).isEqualTo("2/2");
    assertThat(status.getSinkState()).isEqualTo("Running");
    assertThat(status.getRestarts()).isZero();
    assertThat(status.getSources().get(0).getReason()).isNull();
    assertThat(status.getSources().get(0).getState()).isEqualTo("RUNNING");
  }

  @Test
  void purgedBinlogOnOneSourceKeepsReadyTrueWhileTheOtherRuns() {
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            observation(
                PipelineState.RUNNING,
                List.of(
                    source("replica-a", running()),
                    source("replica-b", failed("mariadb-1236-gtid-purged"))),
                2,
                sink(running())),
            null,
            T0);

    Condition ready = condition(status, ConditionTypes.READY);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo(Reasons.DEGRADED);
    assertThat(ready.getMessage()).contains("1/2 sources healthy", "replica-b");
    Condition sources = condition(status, ConditionTypes.SOURCES_HEALTHY);
    assertThat(sources.getStatus()).isEqualTo("False");
    assertThat(sources.getReason()).isEqualTo(Reasons.BINLOG_POSITION_PURGED);
    assertThat(sources.getMessage())
        .contains("replica-b (orders-replica-b)", "Could not find GTID state", "Re-seed");
    assertThat(status.getSources().get(1).getReason()).isEqualTo("BinlogPositionPurged");
    assertThat(status.getSources().get(1).getLastError())
        .startsWith("task 0: io.debezium.DebeziumException: Could not find GTID state");
    assertThat(status.getSourcesReady()).isEqualTo("1/2");
  }

  /**
   * A part that is down names the Secret it reads that does not exist; a missing Secret of a part
   * that runs changes nothing (it kept the value it read), nor one of another part.
   */
  @Test
  void aPartThatIsDownBecauseItsSecretIsMissingSaysWhich() {
    List<SourceObservation> down =
        List.of(
            source("replica-a", failed("connection-refused")),
            source("replica-b", failed("connection-refused")));
    MissingSecrets cdcDb = new MissingSecrets(List.of("cdc-db"), List.of(), List.of());
    Condition ready =
        condition(
            StatusAggregator.aggregate(
                observation(PipelineState.RUNNING, down, 2, sink(running()))
                    .withMissingSecrets(cdcDb),
                null,
                T0),
            ConditionTypes.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reasons.SECRET_MISSING);
    assertThat(ready.getMessage())
        .startsWith("The Secret cdc-db does not exist in the pipeline's namespace: create it")
        .contains("No source connector runs (0/2).");

    MissingSecrets dedupAndSink =
        new MissingSecrets(List.of(), List.of("kafka-ca", "main-cluster-ca-cert"), List.of("erp"));
    Condition dedupDown =
        condition(
            StatusAggregator.aggregate(
                observation(
                        PipelineState.RUNNING,
                        List.of(source("replica-a", running()), source("replica-b", running())),
                        0,
                        sink(running()))
                    .withMissingSecrets(dedupAndSink),
                null,
                T0),
            ConditionTypes.READY);
    assertThat(dedupDown.getReason()).isEqualTo(Reasons.SECRET_MISSING);
    assertThat(dedupDown.getMessage())
        .startsWith("The Secrets kafka-ca, main-cluster-ca-cert do not exist");

    assertThat(
            condition(
                    StatusAggregator.aggregate(
                        observation(PipelineState.RUNNING, down, 2, sink(running()))
                            .withMissingSecrets(dedupAndSink),
                        null,
                        T0),
                    ConditionTypes.READY)
                .getReason())
        .as("the sources are down, but none of their Secrets is missing")
        .isEqualTo(Reasons.NO_HEALTHY_SOURCE);
    assertThat(
            condition(
                    StatusAggregator.aggregate(
                        observation(
                                PipelineState.RUNNING,
                                List.of(
                                    source("replica-a", running()), source("replica-b", running())),
                                2,
                                sink(running()))
                            .withMissingSecrets(cdcDb),
                        null,
                        T0),
                    ConditionTypes.READY)
                .getReason())
        .as("the sources run on the value they read")
        .isEqualTo(Reasons.DELIVERING);
  }

  @Test
  void noHealthySourceIsNotReady() {
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            observation(
                PipelineState.RUNNING,
                List.of(
                    source("replica-a", failed("connection-refused")),
                    source("replica-b", failed("schema-history-missing"))),
                2,
                sink(running())),
            null,
            T0);

    assertThat(condition(status, ConditionTypes.READY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", Reasons.NO_HEALTHY_SOURCE);
    // the unrecoverable problem outranks the one being restarted
    assertThat(condition(status, ConditionTypes.SOURCES_HEALTHY).getReason())
        .isEqualTo(Reasons.SCHEMA_HISTORY_MISSING);
    assertThat(status.getSources().get(0).getReason()).isEqualTo(Reasons.CONNECTOR_FAILED);
    assertThat(status.getSources().get(0).getRestarts()).isEqualTo(1);
    assertThat(status.getSources().get(0).getLastRestartTime()).isEqualTo("2026-11-20T10:00:00Z");
    assertThat(status.getRestarts()).isEqualTo(1);
  }

  @Test
  void dedupOrSinkDownIsNotReadyWithItsReason() {
    List<SourceObservation> sources = List.of(source("replica-a", running()));
    CdcPipelineStatus noDedup =
        StatusAggregator.aggregate(
            observation(PipelineState.RUNNING, sources, 0, sink(running())), null, T0);
    assertThat(condition(noDedup, ConditionTypes.READY).getReason())
        .isEqualTo(Reasons.DEDUP_NOT_READY);
    assertThat(condition(noDedup, ConditionTypes.DEDUP_READY))
        .extracting(Condition::getStatus, Condition::getMessage)
        .containsExactly("False", "0/2 dedup instances ready.");

    CdcPipelineStatus sinkFailed =
        StatusAggregator.aggregate(
            observation(PipelineState.RUNNING, sources, 2, sink(failed("connection-refused"))),
            null,
            T0);
    assertThat(condition(sinkFailed, ConditionTypes.READY).getReason())
        .isEqualTo(Reasons.SINK_NOT_READY);
    assertThat(condition(sinkFailed, ConditionTypes.SINK_READY).getReason())
        .isEqualTo(Reasons.CONNECTOR_FAILED);
    assertThat(sinkFailed.getSink().getRestarts()).isEqualTo(1);
    assertThat(sinkFailed.getRestarts()).isEqualTo(1);

    CdcPipelineStatus oneOfTwo =
        StatusAggregator.aggregate(
            observation(PipelineState.RUNNING, sources, 1, sink(running())), null, T0);
    assertThat(condition(oneOfTwo, ConditionTypes.READY))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", Reasons.DEGRADED);
  }

  /**
   * kstatus (Flux) reads Reconciling and Stalled, both abnormal-true: coming up is Reconciling, a
   * failure waiting does not fix is Stalled, delivering or paused is neither.
   */
  @Test
  void reconcilingAndStalledTellKstatusStartingFromFailingFromDone() {
    ConnectorHealth starting = ConnectorHealth.absent();
    List<SourceObservation> up = List.of(source("replica-a", running()));
    List<SourceObservation> failing =
        List.of(
            source("replica-a", failed("connection-refused")),
            source("replica-b", failed("schema-history-missing")));
    record Case(String name, CdcPipelineStatus status, String reconciling, String stalled) {}
    List<Case> cases =
        List.of(
            new Case(
                "delivering",
                StatusAggregator.aggregate(
                    observation(PipelineState.RUNNING, up, 2, sink(running())), null, T0),
                "False",
                "False"),
            new Case(
                "connectors not created yet",
                StatusAggregator.aggregate(
                    observation(
                        PipelineState.RUNNING,
                        List.of(source("replica-a", starting)),
                        2,
                        sink(running())),
                    null,
                    T0),
                "True",
                "False"),
            new Case(
                "dedup pods starting",
                StatusAggregator.aggregate(
                    observation(PipelineState.RUNNING, up, 0, sink(running())), null, T0),
                "True",
                "False"),
            new Case(
                "every source failing",
                StatusAggregator.aggregate(
                    observation(PipelineState.RUNNING, failing, 2, sink(running())), null, T0),
                "False",
                "True"),
            new Case(
                "sink failing",
                StatusAggregator.aggregate(
                    observation(PipelineState.RUNNING, up, 2, sink(failed("connection-refused"))),
                    null,
                    T0),
                "False",
                "True"),
            new Case(
                "paused",
                StatusAggregator.aggregate(
                    observation(PipelineState.PAUSED, up, 2, sink(running())), null, T0),
                "False",
                "False"),
            new Case("invalid spec", StatusAggregator.invalid("bad", 3, null, T0), "False", "True"),
            new Case(
                "apply failed",
                StatusAggregator.failed("forbidden", 3, null, T0),
                "False",
                "True"));
    for (Case c : cases) {
      assertThat(condition(c.status(), ConditionTypes.RECONCILING).getStatus())
          .as("Reconciling when %s", c.name())
          .isEqualTo(c.reconciling());
      assertThat(condition(c.status(), ConditionTypes.STALLED).getStatus())
          .as("Stalled when %s", c.name())
          .isEqualTo(c.stalled());
    }
    Condition stalled = condition(cases.get(3).status(), ConditionTypes.STALLED);
    assertThat(stalled.getReason()).isEqualTo(Reasons.NO_HEALTHY_SOURCE);
    assertThat(stalled.getMessage())
        .startsWith("NoHealthySource (" + Reasons.SCHEMA_HISTORY_MISSING + "): No source");
    assertThat(condition(cases.get(1).status(), ConditionTypes.RECONCILING).getReason())
        .isEqualTo(Reasons.CONNECTOR_NOT_READY);
    // a spec fixed after it was invalid: the next status is computed whole, Stalled goes False
    CdcPipelineStatus fixed =
        StatusAggregator.aggregate(
            observation(PipelineState.RUNNING, up, 2, sink(running())), cases.get(6).status(), T0);
    assertThat(condition(fixed, ConditionTypes.STALLED).getStatus()).isEqualTo("False");
  }

  @Test
  void withoutSinkTheSinkConditionSaysNotConfigured() {
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            observation(PipelineState.RUNNING, List.of(source("replica-a", running())), 2, null),
            null,
            T0);

    assertThat(condition(status, ConditionTypes.SINK_READY).getReason())
        .isEqualTo(Reasons.NOT_CONFIGURED);
    assertThat(status.getSinkState()).isEqualTo("None");
    assertThat(condition(status, ConditionTypes.READY).getStatus()).isEqualTo("True");
  }

  @Test
  void pausedAndStoppedAreNotReady() {
    ConnectorHealth paused =
        ConnectorHealth.of(
            ConnectorStatuses.connector(
                "c",
                ConnectorStatuses.of(
                    "c", "PAUSED", null, List.<Object[]>of(new Object[] {0, "PAUSED"}))));
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            observation(PipelineState.PAUSED, List.of(source("replica-a", paused)), 2, null),
            null,
            T0);
    assertThat(condition(status, ConditionTypes.READY).getReason()).isEqualTo(Reasons.PAUSED);
    assertThat(condition(status, ConditionTypes.SOURCES_HEALTHY).getReason())
        .isEqualTo(Reasons.PAUSED);

    CdcPipelineStatus stopped =
        StatusAggregator.aggregate(
            observation(PipelineState.STOPPED, List.of(source("replica-a", running())), 2, null),
            null,
            T0);
    assertThat(condition(stopped, ConditionTypes.READY).getReason()).isEqualTo(Reasons.STOPPED);
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusChanges() {
    Observation healthy =
        observation(PipelineState.RUNNING, List.of(source("replica-a", running())), 2, null);
    CdcPipelineStatus first = StatusAggregator.aggregate(healthy, null, T0);

    CdcPipelineStatus same = StatusAggregator.aggregate(healthy, first, T0.plusSeconds(60));
    assertThat(same).isEqualTo(first);

    Observation broken =
        observation(
            PipelineState.RUNNING,
            List.of(source("replica-a", failed("connection-refused"))),
            2,
            null);
    CdcPipelineStatus later = StatusAggregator.aggregate(broken, same, T0.plusSeconds(120));
    assertThat(condition(later, ConditionTypes.READY).getLastTransitionTime())
        .isEqualTo("2026-11-20T10:02:00Z");
    assertThat(condition(later, ConditionTypes.DEDUP_READY).getLastTransitionTime())
        .isEqualTo("2026-11-20T10:00:00Z");
  }

  @Test
  void invalidSpecSetsReadyFalseAndKeepsTheRest() {
    Observation healthy =
        observation(PipelineState.RUNNING, List.of(source("replica-a", running())), 2, null);
    CdcPipelineStatus before = StatusAggregator.aggregate(healthy, null, T0);

    CdcPipelineStatus invalid =
        StatusAggregator.invalid(
            "spec.source.replicas[1].serverId: must be unique", 4, before, T0.plusSeconds(5));

    Condition ready = condition(invalid, ConditionTypes.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(ready.getMessage()).contains("spec.source.replicas[1].serverId");
    assertThat(ready.getObservedGeneration()).isEqualTo(4L);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-20T10:00:05Z");
    assertThat(invalid.getObservedGeneration()).isEqualTo(4L);
    assertThat(invalid.getSources()).isEqualTo(before.getSources());
    assertThat(condition(invalid, ConditionTypes.SOURCES_HEALTHY))
        .isEqualTo(condition(before, ConditionTypes.SOURCES_HEALTHY));
    // re-validating the same bad spec gives the same status: no patch
    assertThat(StatusAggregator.invalid(ready.getMessage(), 4, invalid, T0.plusSeconds(99)))
        .isEqualTo(invalid);
  }

  @Test
  void retentionCheckResultBecomesConditionAndColumns() {
    Observation observed =
        new Observation(
            1,
            PipelineState.RUNNING,
            List.of(source("replica-a", running()), source("replica-b", running())),
            new DedupObservation(2, 2),
            null,
            new RetentionObservation(
                false,
                Map.of("replica-a", "168h", "replica-b", "24h"),
                "24h",
                "replica-b keeps its binlog 24h, less than spec.source.binlogRetention.minimum 72h"));
    CdcPipelineStatus status = StatusAggregator.aggregate(observed, null, T0);

    assertThat(condition(status, ConditionTypes.BINLOG_RETENTION_OK))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", Reasons.RETENTION_TOO_SHORT);
    assertThat(status.getRetention()).isEqualTo("24h");
    assertThat(status.getSources().get(1).getRetention()).isEqualTo("24h");
    // retention does not decide Ready: data still flows
    assertThat(condition(status, ConditionTypes.READY).getStatus()).isEqualTo("True");
  }

  /**
   * PostgreSQL's slot guard is its own condition, WalRetentionOk, with the slot finding's reason;
   * before its first check after an operator restart the last result stands, as for binlogs.
   */
  @Test
  void postgresSlotsBecomeWalRetentionOkNotBinlogRetentionOk() {
    List<SourceObservation> sources =
        List.of(source("standby-a", running()), source("standby-b", running()));
    Observation lost =
        new Observation(
            1,
            PipelineState.RUNNING,
            sources,
            new DedupObservation(2, 2),
            null,
            new RetentionObservation(
                false,
                Map.of("standby-a", "16MB", "standby-b", "3GB"),
                "3GB",
                "standby-b: slot twinlog_x is lost",
                ConditionTypes.WAL_RETENTION_OK,
                "SlotLost"));
    CdcPipelineStatus status = StatusAggregator.aggregate(lost, null, T0);

    assertThat(condition(status, ConditionTypes.WAL_RETENTION_OK))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "SlotLost");
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .doesNotContain(ConditionTypes.BINLOG_RETENTION_OK);
    assertThat(status.getRetention()).isEqualTo("3GB");
    assertThat(status.getSources().get(0).getRetention()).isEqualTo("16MB");

    Observation notYet =
        new Observation(
            1,
            PipelineState.RUNNING,
            sources,
            new DedupObservation(2, 2),
            null,
            new RetentionObservation(
                null,
                Map.of(),
                null,
                "not checked yet",
                ConditionTypes.WAL_RETENTION_OK,
                Reasons.NOT_CHECKED));
    assertThat(
            condition(
                StatusAggregator.aggregate(notYet, status, T0), ConditionTypes.WAL_RETENTION_OK))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "SlotLost");
    assertThat(
            condition(
                StatusAggregator.aggregate(notYet, null, T0), ConditionTypes.WAL_RETENTION_OK))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("Unknown", Reasons.NOT_CHECKED);
  }

  /**
   * After an operator restart no source check has finished yet: the last result in the status
   * stands, so the status is not rewritten (issue 11, 11b: CheckFailed -> NotChecked -> CheckFailed
   * on every pipeline).
   */
  @Test
  void theLastRetentionResultStandsUntilANewCheckReplacesIt() {
    List<SourceObservation> sources =
        List.of(source("replica-a", running()), source("replica-b", running()));
    Observation checked =
        new Observation(
            3,
            PipelineState.RUNNING,
            sources,
            new DedupObservation(2, 2),
            null,
            new RetentionObservation(
                null, Map.of("replica-a", "168h"), "168h", "replica-b: does not resolve"));
    CdcPipelineStatus before = StatusAggregator.aggregate(checked, null, T0);

    Observation afterRestart =
        new Observation(3, PipelineState.RUNNING, sources, new DedupObservation(2, 2), null, null);
    CdcPipelineStatus after = StatusAggregator.aggregate(afterRestart, before, T0.plusSeconds(30));

    assertThat(after).isEqualTo(before);
    assertThat(condition(after, ConditionTypes.BINLOG_RETENTION_OK))
        .extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly("Unknown", Reasons.CHECK_FAILED, "replica-b: does not resolve");
    // never checked at all: NotChecked
    assertThat(
            condition(
                    StatusAggregator.aggregate(afterRestart, null, T0),
                    ConditionTypes.BINLOG_RETENTION_OK)
                .getReason())
        .isEqualTo(Reasons.NOT_CHECKED);
  }

  /**
   * Dead letters reach the status with their topic, newest time and error, and a total for the
   * printer column; an observation that has not read a topic yet (after an operator restart) keeps
   * what the status said.
   */
  @Test
  void deadLettersOfBothPartsAreInTheStatusAndKeptWhileNotReadYet() {
    List<SourceObservation> sources = List.of(source("replica-a", running()));
    SinkObservation sinkRead =
        new SinkObservation(
            "orders-sink",
            running(),
            POLICY.decide(running(), RestartHistory.none(), T0),
            "shop.orders.sink-dlq",
            new DeadLetterReading(3, T0, "ERP answered 400: bad"));
    Observation read =
        new Observation(
            3,
            PipelineState.RUNNING,
            sources,
            new DedupObservation(
                2,
                2,
                "shop.orders.dedup-dlq",
                new DeadLetterReading(2, T0.minusSeconds(5), "KeyOrderConflict: older")),
            sinkRead,
            null);
    CdcPipelineStatus status = StatusAggregator.aggregate(read, null, T0);

    assertThat(status.getDeadLetters()).isEqualTo(5);
    assertThat(status.getSink().getDeadLetters())
        .extracting(
            DeadLetterStatus::getTopic,
            DeadLetterStatus::getCount,
            DeadLetterStatus::getLastTime,
            DeadLetterStatus::getLastError)
        .containsExactly("shop.orders.sink-dlq", 3L, T0.toString(), "ERP answered 400: bad");
    assertThat(status.getDedup().getDeadLetters().getCount()).isEqualTo(2);

    Observation notReadYet =
        new Observation(
            3,
            PipelineState.RUNNING,
            sources,
            new DedupObservation(2, 2),
            new SinkObservation(
                "orders-sink", running(), POLICY.decide(running(), RestartHistory.none(), T0)),
            null);
    CdcPipelineStatus after = StatusAggregator.aggregate(notReadYet, status, T0.plusSeconds(30));
    assertThat(after.getDeadLetters()).isEqualTo(5);
    assertThat(after.getSink().getDeadLetters()).isEqualTo(status.getSink().getDeadLetters());
    assertThat(after.getDedup().getDeadLetters()).isEqualTo(status.getDedup().getDeadLetters());

    assertThat(StatusAggregator.aggregate(notReadYet, null, T0).getDeadLetters())
        .as("never read: unknown, not zero")
        .isNull();
  }

  @Test
  void restartBookkeepingRoundTripsThroughStatus() {
    RestartHistory history = new RestartHistory(4, 2, T0);
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            observation(
                PipelineState.RUNNING,
                List.of(source("replica-a", failed("connection-refused"), history)),
                2,
                null),
            null,
            T0.plusSeconds(5));

    assertThat(StatusAggregator.history(status.getSources().get(0))).isEqualTo(history);
    assertThat(condition(status, ConditionTypes.SOURCES_HEALTHY).getMessage())
        .contains("Next restart not before 2026-11-20T10:00:20Z");
    assertThat(StatusAggregator.history((io.twinlog.operator.api.v1alpha1.SourceStatus) null))
        .isEqualTo(RestartHistory.none());
  }

  @Test
  void decisionsOfUnknownConnectorsAreNotReady() {
    SourceObservation absent =
        new SourceObservation(
            "replica-a",
            "orders-replica-a",
            ConnectorHealth.absent(),
            new RestartDecision.NotFailing(RestartHistory.none()));
    CdcPipelineStatus status =
        StatusAggregator.aggregate(
            observation(PipelineState.RUNNING, List.of(absent), 0, null), null, T0);

    assertThat(condition(status, ConditionTypes.SOURCES_HEALTHY).getReason())
        .isEqualTo(Reasons.CONNECTOR_NOT_READY);
    assertThat(status.getSources().get(0).getState()).isNull();
  }
}
