package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceRulesTest {

  private static final Grants CDC =
      Grants.parse(
          List.of(
              "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO"
                  + " `cdc`@`%` IDENTIFIED BY PASSWORD '*ABC'"));

  private static Map<String, String> mariaDb() {
    Map<String, String> v = new HashMap<>();
    v.put("version", "11.4.5-MariaDB-log");
    v.put("server_id", "2");
    v.put("log_bin", "ON");
    v.put("binlog_format", "ROW");
    v.put("binlog_row_image", "FULL");
    v.put("log_slave_updates", "ON");
    v.put("gtid_strict_mode", "ON");
    v.put("gtid_domain_id", "0");
    v.put("gtid_binlog_pos", "0-1-42");
    v.put("binlog_expire_logs_seconds", "604800");
    v.put("expire_logs_days", "7.000000");
    v.put("max_binlog_total_size", "0");
    return v;
  }

  private static Map<String, String> mySql() {
    Map<String, String> v = new HashMap<>();
    v.put("version", "8.4.3");
    v.put("server_id", "3");
    v.put("log_bin", "ON");
    v.put("binlog_format", "ROW");
    v.put("binlog_row_image", "FULL");
    v.put("log_replica_updates", "ON");
    v.put("gtid_mode", "ON");
    v.put("enforce_gtid_consistency", "ON");
    v.put("gtid_executed", "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23");
    v.put("gtid_purged", "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5");
    v.put("binlog_expire_logs_seconds", "2592000");
    v.put("binlog_expire_logs_auto_purge", "ON");
    return v;
  }

  private static SourceCheckRequest request(String replica) {
    return new SourceCheckRequest(
        replica,
        "db",
        3306,
        "cdc",
        "s3cret",
        Duration.ofHours(72),
        Set.of(5401L),
        false,
        null,
        null);
  }

  private static List<Finding> evaluate(Map<String, String> variables) {
    return SourceRules.evaluate(request("replica-b"), SourceFacts.fromVariables(variables), CDC);
  }

  @Test
  void correctMariaDbReplicaHasNoFindings() {
    SourceFacts facts = SourceFacts.fromVariables(mariaDb());
    assertThat(SourceRules.evaluate(request("replica-a"), facts, CDC)).isEmpty();
    assertThat(facts.flavor()).isEqualTo(Flavor.MARIADB);
    assertThat(facts.retention()).contains(Duration.ofDays(7));
    assertThat(facts.gtidPosition()).isEqualTo("0-1-42");
    assertThat(facts.serverId()).isEqualTo(2L);
  }

  @Test
  void correctMySqlReplicaHasNoFindings() {
    Grants grants =
        Grants.parse(
            List.of(
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.*"
                    + " TO `cdc`@`%`"));
    SourceFacts facts = SourceFacts.fromVariables(mySql());
    assertThat(SourceRules.evaluate(request("replica-a"), facts, grants)).isEmpty();
    assertThat(facts.flavor()).isEqualTo(Flavor.MYSQL);
    assertThat(facts.oldestGtidPosition()).endsWith(":1-5");
    assertThat(facts.retention()).contains(Duration.ofDays(30));
  }

  @Test
  void shortRetentionNamesBothDurationsAndTheFix() {
    Map<String, String> v = mariaDb();
    v.put("binlog_expire_logs_seconds", "86400");
    List<Finding> findings = evaluate(v);
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.RETENTION_TOO_SHORT);
              assertThat(f.severity()).isEqualTo(Severity.WARNING);
              assertThat(f.message())
                  .startsWith(
                      "replica-b keeps binlogs 24h; spec requires 72h: SET GLOBAL"
                          + " binlog_expire_logs_seconds = 259200");
            });
  }

  @Test
  void expireLogsDaysCountsWhenSecondsAreZero() {
    Map<String, String> v = mariaDb();
    v.put("binlog_expire_logs_seconds", "0");
    v.put("expire_logs_days", "1.000000");
    assertThat(SourceFacts.fromVariables(v).retentionSeconds()).isEqualTo(86_400L);
    assertThat(evaluate(v))
        .extracting(Finding::reason)
        .containsExactly(FindingReason.RETENTION_TOO_SHORT);
  }

  @Test
  void noExpiryAtAllIsUnlimitedAndPasses() {
    Map<String, String> v = mariaDb();
    v.put("binlog_expire_logs_seconds", "0");
    v.put("expire_logs_days", "0.000000");
    SourceFacts facts = SourceFacts.fromVariables(v);
    assertThat(facts.retentionUnlimited()).isTrue();
    assertThat(evaluate(v)).isEmpty();
  }

  @Test
  void mySqlAutoPurgeOffIsUnlimited() {
    Map<String, String> v = mySql();
    v.put("binlog_expire_logs_seconds", "3600");
    v.put("binlog_expire_logs_auto_purge", "OFF");
    assertThat(SourceFacts.fromVariables(v).retentionUnlimited()).isTrue();
  }

  @Test
  void missingRetentionVariablesAreUnknown() {
    Map<String, String> v = mariaDb();
    v.remove("binlog_expire_logs_seconds");
    v.remove("expire_logs_days");
    assertThat(evaluate(v))
        .extracting(Finding::reason)
        .containsExactly(FindingReason.RETENTION_UNKNOWN);
  }

  @Test
  void sizeLimitedBinlogsWarn() {
    Map<String, String> v = mariaDb();
    v.put("max_binlog_total_size", "1073741824");
    assertThat(evaluate(v))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.RETENTION_SIZE_LIMITED);
              assertThat(f.message()).contains("max_binlog_total_size=1073741824");
            });
  }

  @Test
  void eachMisconfigurationHasItsOwnReason() {
    Map<String, String> v = mariaDb();
    v.put("log_bin", "OFF");
    v.put("binlog_format", "MIXED");
    v.put("binlog_row_image", "MINIMAL");
    v.put("log_slave_updates", "OFF");
    v.put("gtid_strict_mode", "OFF");
    v.put("server_id", "5401");
    List<Finding> findings = evaluate(v);
    assertThat(findings)
        .extracting(Finding::reason)
        .containsExactly(
            FindingReason.BINLOG_DISABLED,
            FindingReason.BINLOG_FORMAT_NOT_ROW,
            FindingReason.BINLOG_ROW_IMAGE_NOT_FULL,
            FindingReason.REPLICA_UPDATES_NOT_LOGGED,
            FindingReason.GTID_NOT_STRICT,
            FindingReason.SERVER_ID_CONFLICT);
    assertThat(findings.get(1).message())
        .contains("binlog_format=MIXED")
        .contains("SET GLOBAL binlog_format = 'ROW'");
    assertThat(findings.get(2).message()).contains("SET GLOBAL binlog_row_image = 'FULL'");
    assertThat(findings.get(3).message()).contains("log_slave_updates=ON");
    assertThat(findings.get(4).severity()).isEqualTo(Severity.WARNING);
    assertThat(findings.get(5).message()).contains("server_id 5401");
  }

  @Test
  void replicaUpdatesOffDoesNotMatterOnAServerThatReplicatesFromNobody() {
    Map<String, String> v = mariaDb();
    v.put("log_slave_updates", "OFF");
    SourceFacts primary = SourceFacts.fromVariables(v).withBinlogs("b.000001", 1, "", false);
    SourceFacts unknown = SourceFacts.fromVariables(v).withBinlogs("b.000001", 1, "", null);
    assertThat(SourceRules.evaluate(request("p"), primary, CDC)).isEmpty();
    assertThat(SourceRules.evaluate(request("p"), unknown, CDC))
        .extracting(Finding::reason)
        .containsExactly(FindingReason.REPLICA_UPDATES_NOT_LOGGED);
  }

  @Test
  void mySqlWithoutGtidsIsAnError() {
    Map<String, String> v = mySql();
    v.put("gtid_mode", "OFF");
    v.put("enforce_gtid_consistency", "OFF");
    v.put("log_replica_updates", "OFF");
    Grants grants =
        Grants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `cdc`@`%` WITH GRANT OPTION"));
    List<Finding> findings =
        SourceRules.evaluate(request("r"), SourceFacts.fromVariables(v), grants);
    assertThat(findings)
        .extracting(Finding::reason)
        .containsExactly(FindingReason.REPLICA_UPDATES_NOT_LOGGED, FindingReason.GTID_MODE_OFF);
    assertThat(findings.get(0).message()).contains("log_replica_updates=ON");
    assertThat(findings.get(1).message()).contains("gtid_mode=OFF");
  }

  @Test
  void missingGrantsAreListedWithTheGrantStatement() {
    Grants grants =
        Grants.parse(
            List.of(
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE ON *.* TO `cdc`@`10.%`"));
    List<Finding> findings =
        SourceRules.evaluate(request("replica-b"), SourceFacts.fromVariables(mariaDb()), grants);
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.MISSING_GRANTS);
              assertThat(f.message())
                  .contains("lacks BINLOG MONITOR")
                  .endsWith("GRANT BINLOG MONITOR ON *.* TO 'cdc'@'10.%'");
            });
  }

  @Test
  void enforcementNeedsTheFlagAShortRetentionAndThePrivilege() {
    Map<String, String> v = mariaDb();
    v.put("binlog_expire_logs_seconds", "3600");
    SourceFacts facts = SourceFacts.fromVariables(v);
    Grants admin =
        Grants.parse(
            List.of(
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, BINLOG"
                    + " ADMIN ON *.* TO `cdc`@`%`"));
    SourceCheckRequest enforce = request("r").withEnforceRetention(true);

    assertThat(SourceRules.retentionToEnforce(enforce, facts, admin)).hasValue(259_200L);
    assertThat(SourceRules.retentionToEnforce(request("r"), facts, admin)).isEmpty();
    assertThat(SourceRules.retentionToEnforce(enforce, facts, CDC)).isEmpty();
    assertThat(SourceRules.evaluate(enforce, facts, CDC))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .endsWith(
            "enforce is on, but cdc lacks BINLOG ADMIN (or SUPER), so Twinlog cannot raise it");

    v.put("binlog_expire_logs_seconds", "0");
    v.put("expire_logs_days", "0");
    assertThat(SourceRules.retentionToEnforce(enforce, SourceFacts.fromVariables(v), admin))
        .as("never shortens an unlimited retention")
        .isEmpty();
  }

  @Test
  void humanDurationsMatchTheSpecSyntax() {
    assertThat(SourceRules.human(Duration.ofDays(7))).isEqualTo("168h");
    assertThat(SourceRules.human(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(SourceRules.human(Duration.ofSeconds(45))).isEqualTo("45s");
  }
}
