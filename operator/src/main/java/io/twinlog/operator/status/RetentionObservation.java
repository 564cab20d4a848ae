package io.twinlog.operator.status;

import java.util.Map;

/**
 * The last retention check of the source replicas: binlog retention (MySQL, MariaDB) or the WAL the
 * logical slots keep (PostgreSQL).
 *
 * @param ok true when every replica keeps what its connector needs to resume, false when one does
 *     not, null when the check could not tell (a replica unreachable)
 * @param retentionByReplica per replica name what was measured: a binlog retention as an API
 *     duration ("168h"), or the WAL a slot retains ("16MB")
 * @param worst the printer column's value: the shortest binlog retention, or the most WAL retained
 *     by one slot; null when nothing was measured
 * @param message one line for the condition
 * @param conditionType {@link ConditionTypes#BINLOG_RETENTION_OK} or {@link
 *     ConditionTypes#WAL_RETENTION_OK}
 * @param reason the condition's reason, or null for the binlog defaults (RetentionSufficient,
 *     RetentionTooShort, CheckFailed)
 */
public record RetentionObservation(
    Boolean ok,
    Map<String, String> retentionByReplica,
    String worst,
    String message,
    String conditionType,
    String reason) {

  /** A binlog retention observation. */
  public RetentionObservation(
      Boolean ok, Map<String, String> retentionByReplica, String worst, String message) {
    this(ok, retentionByReplica, worst, message, ConditionTypes.BINLOG_RETENTION_OK, null);
  }
}
