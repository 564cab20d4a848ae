package io.twinlog.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "mariadb-1236-gtid-purged, BINLOG_POSITION_PURGED",
    "mysql-1236-master-purged, BINLOG_POSITION_PURGED",
    "binlog-no-longer-available, BINLOG_POSITION_PURGED",
    "schema-history-missing, SCHEMA_HISTORY_MISSING",
    "schema-history-mismatch, SCHEMA_HISTORY_MISMATCH",
    "connection-refused, RESTARTABLE",
    "binlog-reader-disconnected, RESTARTABLE",
  })
  void classifiesRealDebeziumTraces(String file, FailureKind expected) {
    assertThat(FailureClassifier.classify(Traces.read(file))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mariadb-1236-gtid-purged | io.debezium.DebeziumException: Could not find GTID state requested by slave in any binlog files.",
        "mysql-1236-master-purged | io.debezium.DebeziumException: The slave is connecting using CHANGE MASTER TO MASTER_AUTO_POSITION = 1, but the master has purged",
        "schema-history-missing | io.debezium.DebeziumException: The db history topic is missing.",
        "connection-refused | java.net.ConnectException: Connection refused",
      })
  void summarizesWithTheLineThatNamesTheCause(String file, String start) {
    String summary = FailureClassifier.summarize(Traces.read(file));
    assertThat(summary).startsWith(start).doesNotContain("\n").hasSizeLessThanOrEqualTo(300);
  }

  /** PostgreSQL's answer to START_REPLICATION on an invalidated slot (SQLSTATE 55000). */
  @org.junit.jupiter.api.Test
  void aLostPostgresSlotIsNotRestartable() {
    String trace =
        "org.postgresql.util.PSQLException: ERROR: can no longer get changes from replication slot"
            + " \"twinlog_shop_orders_standby_b_1c168adb\"\n  Detail: This slot has been invalidated"
            + " because it exceeded the maximum reserved size.";
    assertThat(FailureClassifier.classify(trace)).isEqualTo(FailureKind.SLOT_LOST);
    assertThat(FailureKind.SLOT_LOST.restartable()).isFalse();
    assertThat(FailureClassifier.summarize(trace)).startsWith("org.postgresql.util.PSQLException");
  }

  @org.junit.jupiter.api.Test
  void unknownOrMissingTracesAreRestartable() {
    assertThat(FailureClassifier.classify(null)).isEqualTo(FailureKind.RESTARTABLE);
    assertThat(FailureClassifier.classify("")).isEqualTo(FailureKind.RESTARTABLE);
    assertThat(FailureClassifier.summarize(null)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void unrecoverableKindsHaveReasonsAndSayWhatToDo() {
    assertThat(FailureKind.BINLOG_POSITION_PURGED.reason()).isEqualTo("BinlogPositionPurged");
    assertThat(FailureKind.SCHEMA_HISTORY_MISSING.reason()).isEqualTo("SchemaHistoryMissing");
    assertThat(FailureKind.BINLOG_POSITION_PURGED.restartable()).isFalse();
    assertThat(FailureKind.BINLOG_POSITION_PURGED.action()).contains("Re-seed");
    assertThat(FailureKind.RESTARTABLE.restartable()).isTrue();
  }
}
