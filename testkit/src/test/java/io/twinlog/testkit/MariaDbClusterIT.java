package io.twinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MariaDbClusterIT {

  @Test
  void replicasFollowThePrimaryAndCatchUpAfterRestart() throws Exception {
    try (MariaDbCluster cluster =
        MariaDbCluster.builder().replicas(2).replicaFlags(1, "--binlog-format=STATEMENT").start()) {
      MariaDbServer primary = cluster.primary();
      primary.execute(
          "CREATE DATABASE shop",
          "CREATE TABLE shop.orders (id INT PRIMARY KEY, total DECIMAL(10,2))",
          "INSERT INTO shop.orders VALUES (1, 9.50), (2, 12.00)");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));

      for (MariaDbServer replica : cluster.replicas()) {
        assertThat(replica.queryString("SELECT COUNT(*) FROM shop.orders")).isEqualTo("2");
        assertThat(replica.gtidBinlogPos()).isEqualTo(primary.gtidBinlogPos());
      }
      assertThat(cluster.replica(1).queryString("SELECT @@binlog_format")).isEqualTo("STATEMENT");
      assertThat(primary.queryString("SELECT @@binlog_format")).isEqualTo("ROW");

      // The cdc user was replicated and can read binlog metadata on a replica.
      MariaDbServer replica = cluster.replica(0);
      try (Connection c = replica.connect(MariaDbCluster.CDC_USER, MariaDbCluster.CDC_PASSWORD);
          Statement s = c.createStatement();
          ResultSet logs = s.executeQuery("SHOW BINARY LOGS")) {
        assertThat(logs.next()).isTrue();
      }

      replica.stop();
      assertThat(replica.isRunning()).isFalse();
      primary.execute("INSERT INTO shop.orders VALUES (3, 1.00)");
      replica.start();
      cluster.awaitReplicaCaughtUp(replica, Duration.ofSeconds(30));
      assertThat(replica.queryString("SELECT COUNT(*) FROM shop.orders")).isEqualTo("3");
      assertThat(replica.gtidSlavePos()).isEqualTo(primary.gtidBinlogPos());

      replica.kill();
      primary.execute("INSERT INTO shop.orders VALUES (4, 2.00)");
      replica.start();
      cluster.awaitReplicaCaughtUp(replica, Duration.ofSeconds(30));
      assertThat(replica.queryString("SELECT COUNT(*) FROM shop.orders")).isEqualTo("4");

      // Purging leaves only the current binlog, which starts after every GTID written so far.
      replica.flushBinaryLogs();
      replica.purgeBinaryLogs();
      String onlyLog = replica.queryString("SHOW MASTER STATUS");
      try (Connection c = replica.connect();
          Statement s = c.createStatement();
          ResultSet logs = s.executeQuery("SHOW BINARY LOGS")) {
        assertThat(logs.next()).isTrue();
        assertThat(logs.getString(1)).isEqualTo(onlyLog);
        assertThat(logs.next()).isFalse();
      }
      assertThat(replica.queryString("SELECT BINLOG_GTID_POS('" + onlyLog + "', 4)"))
          .isEqualTo(primary.gtidBinlogPos());
    }
  }

  @Test
  void aLaggingReplicaPromotedReusesTheOldPrimarysSequenceNumbersAndTheOtherCannotFollowIt()
      throws Exception {
    try (MariaDbCluster cluster = MariaDbCluster.builder().replicas(2).start()) {
      MariaDbServer oldPrimary = cluster.primary();
      oldPrimary.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      MariaDbServer a = cluster.replica(0);
      MariaDbServer b = cluster.replica(1);
      a.stopReplication();
      String aAt = a.gtidSlavePos();
      oldPrimary.execute("INSERT INTO shop.t VALUES (1)", "INSERT INTO shop.t VALUES (2)");
      cluster.awaitReplicaCaughtUp(b, Duration.ofSeconds(30));
      oldPrimary.kill();

      assertThat(cluster.promote(0)).isSameAs(a);
      assertThat(cluster.primary()).isSameAs(a);
      a.execute("INSERT INTO shop.t VALUES (10)");
      long seq = Long.parseLong(aAt.substring(aAt.lastIndexOf('-') + 1));
      assertThat(a.gtidBinlogPos()).isEqualTo("0-2-" + (seq + 1));
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(5)); // the primary itself is skipped

      cluster.repoint(1);
      org.awaitility.Awaitility.await("replica-2 refuses the promoted primary")
          .atMost(Duration.ofSeconds(30))
          .until(() -> b.replicationError().contains("1236"));
      assertThat(b.queryString("SELECT COUNT(*) FROM shop.t")).isEqualTo("2");
    }
  }

  @Test
  void aReplicaAddedAtRunTimeReplaysThePrimarysBinlogAndFollowsIt() throws Exception {
    try (MariaDbCluster cluster = MariaDbCluster.builder().replicas(1).start()) {
      MariaDbServer primary = cluster.primary();
      primary.execute(
          "CREATE DATABASE shop",
          "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
          "INSERT INTO shop.orders VALUES (1), (2)");
      primary.flushBinaryLogs(); // the added replica reads more than one binlog file

      MariaDbServer added = cluster.addReplica();
      assertThat(added.serverId()).isEqualTo(3);
      assertThat(added.name()).isEqualTo("replica-2");
      assertThat(cluster.replicas()).containsExactly(cluster.replica(0), added);
      assertThat(added.queryString("SELECT COUNT(*) FROM shop.orders")).isEqualTo("2");
      assertThat(added.gtidSlavePos()).isEqualTo(primary.gtidBinlogPos());
      // Its own binlog has the same GTIDs (log_slave_updates), as Debezium needs of a source.
      assertThat(added.gtidBinlogPos()).isEqualTo(primary.gtidBinlogPos());

      primary.execute("INSERT INTO shop.orders VALUES (3)");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      assertThat(added.queryString("SELECT COUNT(*) FROM shop.orders")).isEqualTo("3");
      try (Connection c = added.connect(MariaDbCluster.CDC_USER, MariaDbCluster.CDC_PASSWORD);
          Statement s = c.createStatement();
          ResultSet logs = s.executeQuery("SHOW BINARY LOGS")) {
        assertThat(logs.next()).as("the cdc user was replayed onto the added replica").isTrue();
      }

      cluster.removeReplica(added);
      assertThat(added.isRunning()).isFalse();
      assertThat(cluster.replicas()).containsExactly(cluster.replica(0));
    }
  }
}
