package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SourceCheckerIT {

  private static final Duration SEVEN_DAYS = Duration.ofDays(7);

  private static MariaDbCluster cluster;
  private static SourceChecker checker;

  @BeforeAll
  static void start() {
    // replica-1 is configured for CDC; replica-2 logs statements and not what it replicates.
    cluster =
        MariaDbCluster.builder()
            .replicas(2)
            .flags("--binlog-expire-logs-seconds=" + SEVEN_DAYS.toSeconds())
            .replicaFlags(1, "--binlog-format=STATEMENT", "--log-slave-updates=OFF")
            .start();
    MariaDbServer primary = cluster.primary();
    primary.execute(
        "CREATE USER 'no_monitor'@'%' IDENTIFIED BY 'pw'",
        "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE ON *.* TO 'no_monitor'@'%'",
        "CREATE USER 'enforcer'@'%' IDENTIFIED BY 'pw'",
        "GRANT " + MariaDbCluster.CDC_GRANTS + ", BINLOG ADMIN ON *.* TO 'enforcer'@'%'");
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    checker = new SourceChecker(4, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (checker != null) {
      checker.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SourceCheckRequest cdc(String name, MariaDbServer server) {
    return request(
        name, server.host(), server.port(), MariaDbCluster.CDC_USER, MariaDbCluster.CDC_PASSWORD);
  }

  private static SourceCheckRequest request(
      String name, String host, int port, String user, String pw) {
    return new SourceCheckRequest(
        name,
        host,
        port,
        user,
        pw,
        Duration.ofHours(72),
        Set.of(5401L, 5402L),
        false,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  @Test
  void correctReplicaPassesAndReportsItsFacts() {
    MariaDbServer replica = cluster.replica(0);
    SourceCheckResult result = checker.check(cdc("replica-a", replica)).join();

    assertThat(result.findings()).isEmpty();
    assertThat(result.healthy()).isTrue();
    assertThat(result.retentionOk()).isTrue();
    assertThat(result.reason()).isEqualTo(FindingReason.OK);
    SourceFacts facts = result.facts();
    assertThat(facts.flavor()).isEqualTo(Flavor.MARIADB);
    assertThat(facts.serverId()).isEqualTo(2L);
    assertThat(facts.retention()).contains(SEVEN_DAYS);
    assertThat(facts.gtidPosition()).isEqualTo(cluster.primary().gtidBinlogPos());
    assertThat(facts.replica()).isTrue();
    assertThat(facts.oldestBinlogFile()).startsWith("mariadb-bin.");
    assertThat(facts.binlogFileCount()).isPositive();
  }

  @Test
  void statementFormatAndUnloggedReplicaUpdatesEachHaveTheirReason() {
    SourceCheckResult result = checker.check(cdc("replica-b", cluster.replica(1))).join();

    assertThat(result.findings())
        .extracting(Finding::reason)
        .containsExactly(
            FindingReason.BINLOG_FORMAT_NOT_ROW, FindingReason.REPLICA_UPDATES_NOT_LOGGED);
    assertThat(result.find(FindingReason.BINLOG_FORMAT_NOT_ROW).orElseThrow().message())
        .isEqualTo(
            "replica-b writes binlog_format=STATEMENT; Debezium needs ROW: SET GLOBAL binlog_format"
                + " = 'ROW' and set binlog_format=ROW in the server config (open sessions keep the"
                + " old format until they reconnect)");
    assertThat(result.find(FindingReason.REPLICA_UPDATES_NOT_LOGGED).orElseThrow().message())
        .startsWith(
            "replica-b does not write replicated changes to its own binlog (log_slave_updates=OFF)");
    assertThat(result.healthy()).isFalse();
    assertThat(result.retentionOk()).isTrue();
  }

  @Test
  void oneHourRetentionWarnsAndEnforceRaisesItWhenTheGrantsAllow() {
    MariaDbServer primary = cluster.primary();
    primary.execute("SET GLOBAL binlog_expire_logs_seconds = 3600");
    try {
      SourceCheckResult warned =
          checker.check(cdc("primary", primary).withEnforceRetention(true)).join();
      assertThat(warned.findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.reason()).isEqualTo(FindingReason.RETENTION_TOO_SHORT);
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.message())
                    .startsWith(
                        "primary keeps binlogs 1h; spec requires 72h: SET GLOBAL"
                            + " binlog_expire_logs_seconds = 259200")
                    .endsWith(
                        "enforce is on, but cdc lacks BINLOG ADMIN (or SUPER), so Twinlog cannot raise it");
              });
      assertThat(warned.healthy()).isTrue();
      assertThat(warned.retentionOk()).isFalse();
      assertThat(primary.queryString("SELECT @@binlog_expire_logs_seconds")).isEqualTo("3600");

      SourceCheckRequest enforcer =
          request("primary", primary.host(), primary.port(), "enforcer", "pw")
              .withEnforceRetention(true);
      SourceCheckResult raised = checker.check(enforcer).join();
      assertThat(raised.findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.reason()).isEqualTo(FindingReason.RETENTION_RAISED);
                assertThat(f.message())
                    .startsWith("raised primary's binlog retention from 1h to 72h");
              });
      assertThat(raised.retentionOk()).isTrue();
      assertThat(raised.retention()).contains(Duration.ofHours(72));
      assertThat(primary.queryString("SELECT @@binlog_expire_logs_seconds")).isEqualTo("259200");
    } finally {
      primary.execute("SET GLOBAL binlog_expire_logs_seconds = " + SEVEN_DAYS.toSeconds());
    }
  }

  @Test
  void userWithoutBinlogMonitorIsMissingGrants() {
    MariaDbServer replica = cluster.replica(0);
    SourceCheckResult result =
        checker
            .check(request("replica-a", replica.host(), replica.port(), "no_monitor", "pw"))
            .join();

    assertThat(result.reason()).isEqualTo(FindingReason.MISSING_GRANTS);
    assertThat(result.find(FindingReason.MISSING_GRANTS).orElseThrow().message())
        .isEqualTo(
            "user no_monitor on replica-a lacks BINLOG MONITOR; Debezium needs SELECT, RELOAD, SHOW"
                + " DATABASES, REPLICATION SLAVE, BINLOG MONITOR: GRANT BINLOG MONITOR ON *.* TO"
                + " 'no_monitor'@'%'");
  }

  @Test
  void wrongPasswordIsAuthenticationFailed() {
    MariaDbServer replica = cluster.replica(0);
    SourceCheckResult result =
        checker
            .check(request("replica-a", replica.host(), replica.port(), "cdc", "wrong-secret"))
            .join();

    assertThat(result.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.AUTHENTICATION_FAILED);
              assertThat(f.message())
                  .startsWith("replica-a rejected user cdc (")
                  .contains("Access denied")
                  .doesNotContain("wrong-secret");
            });
    assertThat(result.facts()).isNull();
    assertThat(result.retentionOk()).isFalse();
  }

  @Test
  void stoppedServerIsUnreachableAndUnknownHostIsDnsFailure() {
    MariaDbServer replica = cluster.replica(1);
    replica.stop();
    try {
      SourceCheckResult stopped = checker.check(cdc("replica-b", replica)).join();
      assertThat(stopped.findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.reason()).isEqualTo(FindingReason.UNREACHABLE);
                assertThat(f.message())
                    .startsWith("cannot connect to replica-b at 127.0.0.1:" + replica.port() + " (")
                    .contains("check that the server runs and listens there");
              });
      assertThat(stopped.healthy()).isFalse();
      assertThat(stopped.retentionOk()).isFalse();
    } finally {
      replica.start();
    }

    SourceCheckResult dns =
        checker
            .check(request("replica-d", "twinlog-no-such-host.invalid", 3306, "cdc", "pw"))
            .join();
    assertThat(dns.reason()).isEqualTo(FindingReason.DNS_FAILURE);
    assertThat(dns.findings().get(0).message())
        .startsWith("replica-d's host twinlog-no-such-host.invalid does not resolve");
  }

  @Test
  void silentServerTimesOutWithoutDelayingAHealthyCheck() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      // Long timeouts: this check stays stuck until the server hangs up.
      SourceCheckRequest stuck =
          request("replica-stuck", "127.0.0.1", silent.port(), "cdc", "pw")
              .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60));
      CompletableFuture<SourceCheckResult> stuckCheck = checker.check(stuck);
      assertThat(checker.check(stuck)).as("identical checks share one probe").isSameAs(stuckCheck);

      SourceCheckResult healthy = checker.check(cdc("replica-a", cluster.replica(0))).join();
      assertThat(healthy.reason()).isEqualTo(FindingReason.OK);
      assertThat(stuckCheck).as("the healthy check did not wait for the stuck one").isNotDone();

      SourceCheckResult timedOut =
          checker
              .check(
                  request("replica-hung", "127.0.0.1", silent.port(), "cdc", "pw")
                      .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)))
              .join();
      assertThat(timedOut.reason()).isEqualTo(FindingReason.TIMEOUT);
      assertThat(timedOut.findings().get(0).message())
          .startsWith("replica-hung at 127.0.0.1:" + silent.port() + " did not answer");

      silent.hangUp();
      assertThat(stuckCheck.join().healthy()).isFalse();
    }
  }

  /**
   * A check waiting for a free thread is not running yet: its deadline starts when it starts, so a
   * busy pool never turns healthy replicas into timeouts (issue 11, 11c: 361 of 500 pipelines
   * reported a timeout for checks that never ran).
   */
  @Test
  void aQueuedCheckDoesNotTimeOutBeforeItRuns() throws Exception {
    try (SourceChecker oneThread = new SourceChecker(1, Clock.systemUTC());
        SilentServer silent = new SilentServer()) {
      CompletableFuture<SourceCheckResult> stuck =
          oneThread.check(
              request("replica-stuck", "127.0.0.1", silent.port(), "cdc", "pw")
                  .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60)));
      SourceCheckRequest healthy =
          cdc("replica-a", cluster.replica(0))
              .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
      CompletableFuture<SourceCheckResult> queued = oneThread.check(healthy);

      // Well past the queued check's own deadline (1 s + 2 x 1 s), it is still waiting its turn.
      Duration pastItsDeadline = SourceChecker.deadline(healthy).plusSeconds(1);
      assertThat(queued)
          .as("a queued check has not started, so it cannot have timed out")
          .failsWithin(pastItsDeadline)
          .withThrowableOfType(java.util.concurrent.TimeoutException.class);

      silent.hangUp();
      assertThat(stuck.join().healthy()).isFalse();
      assertThat(queued.join().reason()).isEqualTo(FindingReason.OK);
    }
  }
}
