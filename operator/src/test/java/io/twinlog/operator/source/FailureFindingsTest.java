package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailureFindingsTest {

  private final SourceCheckRequest request =
      new SourceCheckRequest(
          "replica-b",
          "db-replica-b.db",
          3306,
          "cdc",
          "hunter2",
          Duration.ofHours(72),
          Set.of(),
          false,
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));

  private static SQLException wrapped(Throwable cause) {
    return new SQLNonTransientConnectionException("Socket fail to connect to host", "08000", cause);
  }

  @Test
  void causesAreClassifiedByTypeAndErrorCode() {
    assertThat(FailureFindings.classify(wrapped(new UnknownHostException("db-replica-b.db"))))
        .isEqualTo(FindingReason.DNS_FAILURE);
    assertThat(FailureFindings.classify(wrapped(new ConnectException("Connection refused"))))
        .isEqualTo(FindingReason.UNREACHABLE);
    assertThat(FailureFindings.classify(wrapped(new SocketTimeoutException("Read timed out"))))
        .isEqualTo(FindingReason.TIMEOUT);
    assertThat(
            FailureFindings.classify(
                new SQLInvalidAuthorizationSpecException(
                    "Access denied for user 'cdc'@'10.0.0.1' (using password: YES)",
                    "28000",
                    1045)))
        .isEqualTo(FindingReason.AUTHENTICATION_FAILED);
    assertThat(
            FailureFindings.classify(
                new SQLException(
                    "Access denied; you need (at least one of) the BINLOG MONITOR privilege(s)",
                    "42000",
                    1227)))
        .isEqualTo(FindingReason.MISSING_GRANTS);
    assertThat(FailureFindings.classify(new IllegalStateException("boom")))
        .isEqualTo(FindingReason.CHECK_FAILED);
  }

  @Test
  void messagesNameTheReplicaAndTheFixButNeverThePassword() {
    Finding dns = FailureFindings.of(request, wrapped(new UnknownHostException("db-replica-b.db")));
    assertThat(dns.message())
        .startsWith("replica-b's host db-replica-b.db does not resolve")
        .contains("spec.source.replicas[].host");
    Finding timeout = FailureFindings.deadlineExceeded(request, Duration.ofSeconds(25));
    assertThat(timeout.reason()).isEqualTo(FindingReason.TIMEOUT);
    assertThat(timeout.message()).contains("within 25s").contains("read timeout 10s");
    assertThat(request.toString()).doesNotContain("hunter2").contains("password=***");
  }

  @Test
  void resultSeparatesSourceAndRetentionFindings() {
    SourceCheckResult result =
        new SourceCheckResult(
            "r",
            Instant.EPOCH,
            List.of(
                Finding.warning(FindingReason.RETENTION_TOO_SHORT, "short"),
                Finding.error(FindingReason.BINLOG_FORMAT_NOT_ROW, "statement")),
            SourceFacts.fromVariables(java.util.Map.of("binlog_expire_logs_seconds", "3600")));
    assertThat(result.healthy()).isFalse();
    assertThat(result.retentionOk()).isFalse();
    assertThat(result.reason()).isEqualTo(FindingReason.BINLOG_FORMAT_NOT_ROW);
    assertThat(result.sourceFindings())
        .extracting(Finding::reason)
        .containsExactly(FindingReason.BINLOG_FORMAT_NOT_ROW);
    assertThat(result.retentionFindings())
        .extracting(Finding::reason)
        .containsExactly(FindingReason.RETENTION_TOO_SHORT);
    assertThat(result.retention()).contains(Duration.ofHours(1));
    SourceCheckResult unlimited =
        new SourceCheckResult(
            "u",
            Instant.EPOCH,
            List.of(),
            SourceFacts.fromVariables(java.util.Map.of("binlog_expire_logs_seconds", "0")));
    SourceCheckResult unreachable = new SourceCheckResult("x", Instant.EPOCH, List.of(), null);
    assertThat(SourceCheckResult.shortestRetention(List.of(unlimited, result, unreachable)))
        .contains(Duration.ofHours(1));
    assertThat(SourceCheckResult.shortestRetention(List.of(unlimited))).contains(Duration.ZERO);
    assertThat(SourceCheckResult.shortestRetention(List.of(unreachable))).isEmpty();
    assertThat(SourceCheckResult.retentionLabel(Duration.ZERO)).isEqualTo("unlimited");
    assertThat(SourceCheckResult.retentionLabel(Duration.ofDays(7))).isEqualTo("168h");
    assertThat(FindingReason.BINLOG_FORMAT_NOT_ROW.runbook())
        .isEqualTo("docs/operations/runbooks/source-binlog-format-not-row.md");
  }
}
