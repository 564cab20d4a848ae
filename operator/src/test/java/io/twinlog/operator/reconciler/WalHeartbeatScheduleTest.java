package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.PrimaryLocator.Probe;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceTls;
import io.twinlog.operator.source.WalHeartbeat;
import io.twinlog.operator.source.WalHeartbeatTarget;
import io.twinlog.operator.source.WalHeartbeatTarget.Server;
import io.twinlog.operator.source.WalHeartbeats.Status;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Reasons;
import io.twinlog.operator.status.RetentionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WalHeartbeatScheduleTest {

  private static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");
  private static final Server PRIMARY = Server.replica("standby-a", "pg-standby-a.db", 5432);
  private static final Finding FAILURE =
      new Finding(FindingReason.WAL_HEARTBEAT_FAILED, Severity.WARNING, "No heartbeat.");

  private static final RetentionObservation OK =
      new RetentionObservation(
          true,
          Map.of("standby-a", "16 kB"),
          "16 kB",
          "Every replica's replication slot keeps the WAL its connector needs.",
          ConditionTypes.WAL_RETENTION_OK,
          Reasons.WAL_RETAINED);

  private static Status written() {
    return Status.initial(Duration.ofSeconds(10))
        .next(new WalHeartbeat.Outcome(T0, PRIMARY, "0/10", List.of(), null));
  }

  private static Status failing() {
    return Status.initial(Duration.ofSeconds(10))
        .next(
            new WalHeartbeat.Outcome(
                T0,
                null,
                null,
                List.of(Probe.failed(PRIMARY, FindingReason.UNREACHABLE, "refused")),
                FAILURE));
  }

  @Test
  void onlyRunningPostgresPipelinesBeat() {
    assertThat(WalHeartbeatSchedule.beats(TestPipelines.postgres())).isTrue();
    assertThat(WalHeartbeatSchedule.beats(TestPipelines.minimal())).as("MariaDB").isFalse();
    CdcPipeline paused = TestPipelines.postgres();
    paused.getSpec().setState(PipelineState.PAUSED);
    assertThat(WalHeartbeatSchedule.beats(paused)).isFalse();
    CdcPipeline running = TestPipelines.postgres();
    running.getSpec().setState(PipelineState.RUNNING);
    assertThat(WalHeartbeatSchedule.beats(running)).isTrue();
  }

  @Test
  void theTargetIsEveryReplicaTheCapturedDatabaseAndTheCdcUser() {
    WalHeartbeatTarget target =
        WalHeartbeatSchedule.target(
            TestPipelines.postgres(), new SourceChecks.Credentials("cdc", "pw", SourceTls.DEFAULT));
    assertThat(target.pipeline()).isEqualTo("shop/orders");
    assertThat(target.replicas())
        .containsExactly(
            Server.replica("standby-a", "pg-standby-a.db", 5432),
            Server.replica("standby-b", "pg-standby-b.db", 5433));
    assertThat(target.database()).isEqualTo("shop");
    assertThat(target.user()).isEqualTo("cdc");
    assertThat(target.password()).isEqualTo("pw");
    assertThat(target.prefix()).isEqualTo("twinlog");
  }

  @Test
  void aWrittenHeartbeatAddsWhereToATrueCondition() {
    RetentionObservation seen = WalHeartbeatSchedule.withHeartbeat(OK, written(), T0);
    assertThat(seen.ok()).isTrue();
    assertThat(seen.reason()).isEqualTo(Reasons.WAL_RETAINED);
    assertThat(seen.message())
        .isEqualTo(
            "Every replica's replication slot keeps the WAL its connector needs. Twinlog writes a"
                + " WAL heartbeat on the primary standby-a (pg-standby-a.db:5432) every 10s.");
    assertThat(WalHeartbeatSchedule.withHeartbeat(OK, null, T0)).isSameAs(OK);
    assertThat(WalHeartbeatSchedule.withHeartbeat(OK, Status.initial(Duration.ofSeconds(10)), T0))
        .isSameAs(OK);
  }

  @Test
  void aFailureLongEnoughTurnsTheConditionFalseUnlessASlotIsWorseOff() {
    assertThat(WalHeartbeatSchedule.withHeartbeat(OK, failing(), T0.plusSeconds(29)))
        .as("within the grace")
        .isSameAs(OK);
    RetentionObservation failed =
        WalHeartbeatSchedule.withHeartbeat(OK, failing(), T0.plusSeconds(30));
    assertThat(failed.ok()).isFalse();
    assertThat(failed.conditionType()).isEqualTo(ConditionTypes.WAL_RETENTION_OK);
    assertThat(failed.reason()).isEqualTo("WalHeartbeatFailed");
    assertThat(failed.message()).isEqualTo("No heartbeat.");
    assertThat(failed.retentionByReplica()).isEqualTo(Map.of("standby-a", "16 kB"));
    assertThat(failed.worst()).isEqualTo("16 kB");

    RetentionObservation atRisk =
        new RetentionObservation(
            false,
            Map.of(),
            "9 GB",
            "standby-a: slot at risk.",
            ConditionTypes.WAL_RETENTION_OK,
            "SlotAtRisk");
    RetentionObservation both =
        WalHeartbeatSchedule.withHeartbeat(atRisk, failing(), T0.plusSeconds(60));
    assertThat(both.reason()).isEqualTo("SlotAtRisk");
    assertThat(both.message()).isEqualTo("standby-a: slot at risk. No heartbeat.");

    RetentionObservation notChecked =
        WalHeartbeatSchedule.withHeartbeat(null, failing(), T0.plusSeconds(60));
    assertThat(notChecked.ok()).isFalse();
    assertThat(notChecked.reason()).isEqualTo("WalHeartbeatFailed");
    assertThat(notChecked.message())
        .isEqualTo("The replication slots have not been checked yet. No heartbeat.");
  }
}
