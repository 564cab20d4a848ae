package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.source.SourceFacts;
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
}
