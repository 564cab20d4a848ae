package io.twinlog.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real traces of the Debezium MariaDB connector, captured by {@link TraceCapture} (see
 * src/test/resources/traces/README.md), classified as the restart loop needs them.
 */
class CapturedTracesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "captured-mariadb-1236-purged-while-stopped | BINLOG_POSITION_PURGED | io.debezium.DebeziumException: Could not find GTID state requested by slave in any binlog files.",
        "captured-database-down-at-start | RESTARTABLE | java.net.ConnectException: Connection refused",
        "captured-access-denied | RESTARTABLE | java.sql.SQLInvalidAuthorizationSpecException: (conn=",
      })
  void realTracesAreClassifiedAndSummarized(String file, FailureKind kind, String summaryStart) {
    String trace = Traces.read(file);
    assertThat(FailureClassifier.classify(trace)).isEqualTo(kind);
    assertThat(new Failure(0, trace).kind().restartable()).isEqualTo(kind.restartable());
    assertThat(FailureClassifier.summarize(trace))
        .startsWith(summaryStart)
        .doesNotContain("\n")
        .hasSizeLessThanOrEqualTo(300);
  }
}
