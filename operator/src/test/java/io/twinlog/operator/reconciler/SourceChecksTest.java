package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.PostgresFacts;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.source.SourceFacts;
import io.twinlog.operator.source.SourceTls;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Reasons;
import io.twinlog.operator.status.RetentionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How replica check results become the BinlogRetentionOk observation. */
class SourceChecksTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Duration MINIMUM = Duration.ofHours(72);

  private static SourceFacts facts(long retentionSeconds) {
    return SourceFacts.fromVariables(
        Map.of(
            "version", "11.4.5-MariaDB-log",
            "binlog_expire_logs_seconds", Long.toString(retentionSeconds),
            "expire_logs_days", "0"));
  }

  private static SourceCheckResult result(String replica, long seconds, Finding... findings) {
    return new SourceCheckResult(replica, T0, List.of(findings), facts(seconds));
  }

  @Test
  void sufficientRetentionOnEveryReplica() {
    RetentionObservation seen =
        SourceChecks.observation(
            List.of(result("replica-a", 7 * 24 * 3600), result("replica-b", 4 * 24 * 3600)),
            MINIMUM);

    assertThat(seen.ok()).isTrue();
    assertThat(seen.retentionByReplica())
        .containsEntry("replica-a", "168h")
        .containsEntry("replica-b", "96h");
    assertThat(seen.worst()).isEqualTo("96h");
    assertThat(seen.message()).contains("72h");
  }

  @Test
  void oneShortReplicaMakesItFalseWithItsMessage() {
    RetentionObservation seen =
        SourceChecks.observation(
            List.of(
                result("replica-a", 7 * 24 * 3600),
                result(
                    "replica-b",
                    24 * 3600,
                    new Finding(
                        FindingReason.RETENTION_TOO_SHORT,
                        Severity.WARNING,
                        "binlogs expire after 24h, less than the minimum 72h"))),
            MINIMUM);

    assertThat(seen.ok()).isFalse();
    assertThat(seen.worst()).isEqualTo("24h");
    assertThat(seen.message())
        .isEqualTo("replica-b: binlogs expire after 24h, less than the minimum 72h");
  }

  @Test
  void anUnreachableReplicaMakesItUnknown() {
    SourceCheckResult unreachable =
        new SourceCheckResult(
            "replica-b",
            T0,
            List.of(
                new Finding(
                    FindingReason.UNREACHABLE,
                    Severity.ERROR,
                    "connection refused by db-replica-b.db:3306")),
            null);

    RetentionObservation seen =
        SourceChecks.observation(List.of(result("replica-a", 0), unreachable), MINIMUM);

    assertThat(seen.ok()).isNull();
    assertThat(seen.retentionByReplica()).containsExactly(Map.entry("replica-a", "unlimited"));
    assertThat(seen.worst()).isEqualTo("unlimited");
    assertThat(seen.message()).contains("replica-b: connection refused");
  }

  private static SourceCheckResult slot(String replica, Long retained, Finding... findings) {
    PostgresFacts.SlotFacts slot =
        retained == null
            ? null
            : new PostgresFacts.SlotFacts(
                "twinlog_shop_orders_" + replica,
                "logical",
                "pgoutput",
                "shop",
                true,
                "reserved",
                null,
                "0/3000000",
                "0/3000060",
                retained,
                false,
                null);
    return new SourceCheckResult(
        replica, T0, List.of(findings), null, PostgresFacts.builder().slot(slot).build());
  }

  @Test
  void postgresSlotsGiveWalRetentionOkWithTheMostRetainedWal() {
    RetentionObservation seen =
        SourceChecks.walObservation(
            List.of(slot("standby-a", 16L * 1024 * 1024), slot("standby-b", 512L * 1024)));

    assertThat(seen.conditionType()).isEqualTo(ConditionTypes.WAL_RETENTION_OK);
    assertThat(seen.ok()).isTrue();
    assertThat(seen.reason()).isEqualTo(Reasons.WAL_RETAINED);
    assertThat(seen.retentionByReplica())
        .containsEntry("standby-a", "16MB")
        .containsEntry("standby-b", "512kB");
    assertThat(seen.worst()).as("the slot furthest behind").isEqualTo("16MB");
  }

  @Test
  void aLostSlotOutranksOneAtRiskAndAnUnreadableReplicaIsUnknown() {
    Finding atRisk =
        new Finding(FindingReason.SLOT_AT_RISK, Severity.WARNING, "1MB until the slot is lost");
    Finding lost = new Finding(FindingReason.SLOT_LOST, Severity.ERROR, "the slot is lost");
    RetentionObservation seen =
        SourceChecks.walObservation(
            List.of(slot("standby-a", 2048L, atRisk), slot("standby-b", 4096L, lost)));
    assertThat(seen.ok()).isFalse();
    assertThat(seen.reason()).isEqualTo("SlotLost");
    assertThat(seen.message())
        .isEqualTo("standby-a: 1MB until the slot is lost standby-b: the slot is lost");

    SourceCheckResult unreachable =
        new SourceCheckResult(
            "standby-b",
            T0,
            List.of(new Finding(FindingReason.UNREACHABLE, Severity.ERROR, "refused")),
            null,
            null);
    RetentionObservation unknown =
        SourceChecks.walObservation(List.of(slot("standby-a", 2048L), unreachable));
    assertThat(unknown.ok()).isNull();
    assertThat(unknown.reason()).isEqualTo(Reasons.CHECK_FAILED);
    assertThat(unknown.message()).contains("standby-b");
    assertThat(unknown.worst()).isEqualTo("2048 bytes");
  }

  @Test
  void postgresRequestsNameEachReplicasOwnSlotAndNoPassword() {
    var pipeline = io.twinlog.operator.api.v1alpha1.TestPipelines.postgres();
    List<io.twinlog.operator.source.PostgresCheckRequest> requests =
        SourceChecks.postgresRequests(
            pipeline, new SourceChecks.Credentials("cdc", "s3cret", SourceTls.DEFAULT));
    assertThat(requests)
        .extracting(r -> r.replicaName() + "@" + r.port() + "/" + r.database())
        .containsExactly("standby-a@5432/shop", "standby-b@5433/shop");
    assertThat(requests.get(1).slotName())
        .isEqualTo(
            io.twinlog.operator.desired.ResourceNames.replicationSlot(pipeline, "standby-b"));
    assertThat(requests.get(0).publication()).isEqualTo("twinlog_orders");
    assertThat(requests.get(0).tables()).containsExactly("public.orders", "billing.invoice_lines");
    assertThat(requests.toString()).doesNotContain("s3cret");
  }

  @Test
  void aSlotNotCreatedYetIsCheckedAgainSoonLikeAnUnreachableReplica() {
    Finding missing =
        new Finding(
            FindingReason.SLOT_MISSING, Severity.INFO, "no slot yet: the connector makes it");
    assertThat(SourceChecks.recheckSoon(slot("standby-a", null, missing))).isTrue();
    assertThat(SourceChecks.recheckSoon(slot("standby-a", 2048L))).isFalse();
  }
}
