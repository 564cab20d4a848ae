package io.twinlog.operator.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Pure rules: facts read from a replica in, findings with actionable messages out. */
public final class SourceRules {

  private SourceRules() {}

  /** Every finding for {@code facts}; {@code grants} may be null when SHOW GRANTS failed. */
  public static List<Finding> evaluate(
      SourceCheckRequest request, SourceFacts facts, Grants grants) {
    String r = request.replicaName();
    Flavor flavor = facts.flavor();
    List<Finding> findings = new ArrayList<>();

    if (grants != null) {
      List<String> missing = grants.missing(flavor);
      if (!missing.isEmpty()) {
        String grantee =
            grants.grantee() != null ? grants.grantee() : "'" + request.user() + "'@'%'";
        findings.add(
            Finding.error(
                FindingReason.MISSING_GRANTS,
                "user "
                    + request.user()
                    + " on "
                    + r
                    + " lacks "
                    + String.join(", ", missing)
                    + "; Debezium needs "
                    + String.join(", ", Grants.required(flavor))
                    + ": GRANT "
                    + String.join(", ", missing)
                    + " ON *.* TO "
                    + grantee));
      }
    }
    if (Boolean.FALSE.equals(facts.logBin())) {
      findings.add(
          Finding.error(
              FindingReason.BINLOG_DISABLED,
              r
                  + " has the binary log disabled (log_bin=OFF), so there is nothing to capture:"
                  + " start it with log-bin=<basename> (and binlog_format=ROW) in the server"
                  + " config, then restart the server"));
    }
    if (facts.binlogFormat() != null && !facts.binlogFormat().equals("ROW")) {
      findings.add(
          Finding.error(
              FindingReason.BINLOG_FORMAT_NOT_ROW,
              r
                  + " writes binlog_format="
                  + facts.binlogFormat()
                  + "; Debezium needs ROW: SET GLOBAL binlog_format = 'ROW' and set"
                  + " binlog_format=ROW in the server config (open sessions keep the old format"
                  + " until they reconnect)"));
    }
    if (facts.binlogRowImage() != null && !facts.binlogRowImage().equals("FULL")) {
      findings.add(
          Finding.error(
              FindingReason.BINLOG_ROW_IMAGE_NOT_FULL,
              r
                  + " writes binlog_row_image="
                  + facts.binlogRowImage()
                  + "; Twinlog needs complete before/after images: SET GLOBAL binlog_row_image"
                  + " = 'FULL' and set it in the server config"));
    }
    if (Boolean.FALSE.equals(facts.logReplicaUpdates()) && !Boolean.FALSE.equals(facts.replica())) {
      String variable = flavor == Flavor.MARIADB ? "log_slave_updates" : "log_replica_updates";
      findings.add(
          Finding.error(
              FindingReason.REPLICA_UPDATES_NOT_LOGGED,
              r
                  + " does not write replicated changes to its own binlog ("
                  + variable
                  + "=OFF), so its connector never sees the primary's changes: set "
                  + variable
                  + "=ON in the server config and restart the replica"));
    }
    if (flavor == Flavor.MARIADB && Boolean.FALSE.equals(facts.gtidStrictMode())) {
      findings.add(
          Finding.warning(
              FindingReason.GTID_NOT_STRICT,
              r
                  + " runs with gtid_strict_mode=OFF; an out-of-order GTID would give the same"
                  + " change different ids on different replicas and defeat deduplication:"
                  + " SET GLOBAL gtid_strict_mode = ON and set it in the server config"));
    }
    if (flavor == Flavor.MYSQL
        && (!"ON".equals(facts.gtidMode()) || !"ON".equals(facts.enforceGtidConsistency()))) {
      findings.add(
          Finding.error(
              FindingReason.GTID_MODE_OFF,
              r
                  + " has gtid_mode="
                  + facts.gtidMode()
                  + ", enforce_gtid_consistency="
                  + facts.enforceGtidConsistency()
                  + "; Twinlog identifies changes by GTID: set enforce_gtid_consistency=ON, then"
                  + " step gtid_mode to ON (OFF_PERMISSIVE, ON_PERMISSIVE, ON) as MySQL's"
                  + " 'Enabling GTID Transactions Online' describes, and in the server config"));
    }
    if (facts.serverId() != null && request.connectorServerIds().contains(facts.serverId())) {
      findings.add(
          Finding.error(
              FindingReason.SERVER_ID_CONFLICT,
              r
                  + " has server_id "
                  + facts.serverId()
                  + ", the same as a connector's database.server.id; the server would drop that"
                  + " connector's binlog connection: give spec.source.replicas[].serverId a value"
                  + " no server in the replication topology uses"));
    }
    findings.addAll(retention(request, facts, grants));
    return findings;
  }

  static List<Finding> retention(SourceCheckRequest request, SourceFacts facts, Grants grants) {
    String r = request.replicaName();
    Duration minimum = request.minimumRetention();
    List<Finding> findings = new ArrayList<>();
    if (facts.retentionSeconds() == null) {
      findings.add(
          Finding.warning(
              FindingReason.RETENTION_UNKNOWN,
              "could not read "
                  + r
                  + "'s binlog retention (binlog_expire_logs_seconds, expire_logs_days); make sure"
                  + " it keeps binlogs at least "
                  + human(minimum)));
    } else if (!facts.retentionUnlimited() && facts.retentionSeconds() < minimum.toSeconds()) {
      StringBuilder message =
          new StringBuilder()
              .append(r)
              .append(" keeps binlogs ")
              .append(human(Duration.ofSeconds(facts.retentionSeconds())))
              .append("; spec requires ")
              .append(human(minimum))
              .append(": SET GLOBAL binlog_expire_logs_seconds = ")
              .append(minimum.toSeconds())
              .append(" (and in the server config, so it survives a restart)");
      if (request.enforceRetention() && grants != null && !grants.canSetRetention(facts.flavor())) {
        message
            .append("; enforce is on, but ")
            .append(request.user())
            .append(" lacks ")
            .append(Grants.retentionPrivilege(facts.flavor()))
            .append(" (or SUPER), so Twinlog cannot raise it");
      }
      findings.add(Finding.warning(FindingReason.RETENTION_TOO_SHORT, message.toString()));
    }
    Long sizeLimit = facts.binlogSizeLimitBytes();
    if (sizeLimit != null && sizeLimit > 0) {
      findings.add(
          Finding.warning(
              FindingReason.RETENTION_SIZE_LIMITED,
              r
                  + " purges the oldest binlogs once they exceed max_binlog_total_size="
                  + sizeLimit
                  + " bytes, whatever their age; a write burst can purge sooner than "
                  + human(minimum)
                  + ": SET GLOBAL max_binlog_total_size = 0, or size it for "
                  + human(minimum)
                  + " of changes"));
    }
    return findings;
  }

  /**
   * The {@code binlog_expire_logs_seconds} to set when enforcement is on, needed and allowed; never
   * lowers an unlimited retention.
   */
  public static OptionalLong retentionToEnforce(
      SourceCheckRequest request, SourceFacts facts, Grants grants) {
    Long current = facts.retentionSeconds();
    boolean tooShort =
        current != null && current > 0 && current < request.minimumRetention().toSeconds();
    if (request.enforceRetention()
        && tooShort
        && grants != null
        && grants.canSetRetention(facts.flavor())) {
      return OptionalLong.of(request.minimumRetention().toSeconds());
    }
    return OptionalLong.empty();
  }

  /** The finding that replaces RetentionTooShort after a successful enforcement. */
  static Finding raised(SourceCheckRequest request, long fromSeconds, long toSeconds) {
    return Finding.info(
        FindingReason.RETENTION_RAISED,
        "raised "
            + request.replicaName()
            + "'s binlog retention from "
            + human(Duration.ofSeconds(fromSeconds))
            + " to "
            + human(Duration.ofSeconds(toSeconds))
            + " (SET GLOBAL binlog_expire_logs_seconds = "
            + toSeconds
            + "); also set it in the server config, SET GLOBAL does not survive a restart");
  }

  /** Durations the way the spec writes them: {@code 72h}, {@code 90m}, {@code 45s}. */
  public static String human(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return "0s";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
