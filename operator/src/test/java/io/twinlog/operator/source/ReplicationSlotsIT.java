package io.twinlog.operator.source;

import static io.twinlog.testkit.PostgresCluster.CDC_PASSWORD;
import static io.twinlog.testkit.PostgresCluster.CDC_USER;
import static io.twinlog.testkit.PostgresCluster.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.source.SlotDropResult.Outcome;
import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** Dropping a pipeline's slot on real servers: a primary and one standby. */
class ReplicationSlotsIT {

  private static PostgresCluster cluster;
  private final ReplicationSlots slots = new ReplicationSlots();

  @BeforeAll
  static void start() {
    cluster = PostgresCluster.builder().standbys(1).start();
    cluster
        .primary()
        .executeIn(
            DATABASE,
            "CREATE TABLE orders (id int PRIMARY KEY)",
            "CREATE PUBLICATION twinlog FOR TABLE orders");
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static PostgresCheckRequest request(String replica, PostgresServer server, String slot) {
    return new PostgresCheckRequest(
        replica,
        server.host(),
        server.port(),
        CDC_USER,
        CDC_PASSWORD,
        DATABASE,
        slot,
        "twinlog",
        List.of("public.orders"),
        false,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  private static boolean exists(PostgresServer server, String slot) {
    return "1"
        .equals(
            server.queryString(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
  }

  @Test
  void dropsAnInactiveSlotOnTheStandbyThatHoldsItAndThenFindsItGone() {
    PostgresServer standby = cluster.standby(0);
    PostgresServer primary = cluster.primary();
    // The same name on both servers: each is a slot of its own, dropped only where it lives.
    cluster.createLogicalSlot(standby, "twinlog_drop", "pgoutput");
    cluster.createLogicalSlot(primary, "twinlog_drop", "pgoutput");

    SlotDropResult dropped = slots.drop(request("standby-a", standby, "twinlog_drop"));
    assertThat(dropped.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(dropped.gone()).isTrue();
    assertThat(dropped.failure()).isNull();
    assertThat(dropped.message()).isEqualTo("dropped replication slot twinlog_drop on standby-a");
    assertThat(exists(standby, "twinlog_drop")).isFalse();
    assertThat(exists(primary, "twinlog_drop")).as("the primary's own slot stays").isTrue();

    SlotDropResult again = slots.drop(request("standby-a", standby, "twinlog_drop"));
    assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_GONE);
    assertThat(again.gone()).isTrue();
    assertThat(again.message()).isEqualTo("standby-a has no replication slot twinlog_drop (gone)");

    assertThat(slots.drop(request("primary", primary, "twinlog_drop")).outcome())
        .isEqualTo(Outcome.DROPPED);
    assertThat(exists(primary, "twinlog_drop")).isFalse();
  }

  @Test
  void leavesASlotAConnectorStreamsFromAndDropsItOnceTheConnectorStopped() throws Exception {
    PostgresServer standby = cluster.standby(0);
    cluster.createLogicalSlot(standby, "twinlog_active", "pgoutput");
    PostgresCheckRequest request = request("standby-a", standby, "twinlog_active");

    try (SourceChecker checker = new SourceChecker(2, Clock.systemUTC())) {
      try (Connection replication = replicationConnection(standby);
          PGReplicationStream stream =
              replication
                  .unwrap(PGConnection.class)
                  .getReplicationAPI()
                  .replicationStream()
                  .logical()
                  .withSlotName("twinlog_active")
                  .withSlotOption("proto_version", "1")
                  .withSlotOption("publication_names", "twinlog")
                  .withStatusInterval(1, TimeUnit.SECONDS)
                  .start()) {
        Awaitility.await("the slot is active")
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    "t"
                        .equals(
                            standby.queryString(
                                "SELECT active FROM pg_replication_slots"
                                    + " WHERE slot_name = 'twinlog_active'")));
        SlotDropResult busy = checker.dropSlot(request).join();
        assertThat(busy.outcome()).isEqualTo(Outcome.STILL_ACTIVE);
        assertThat(busy.gone()).isFalse();
        assertThat(busy.message())
            .startsWith("replication slot twinlog_active on standby-a is still in use (")
            .endsWith("its connector has not stopped yet; retried later");
        // Left alone: the stream still runs on it.
        assertThat(exists(standby, "twinlog_active")).isTrue();
        assertThat(stream.isClosed()).isFalse();
      }
      // The WAL sender lets go of the slot shortly after its client disconnected.
      Awaitility.await("the slot is released and dropped")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> checker.dropSlot(request).join().outcome() == Outcome.DROPPED);
      assertThat(exists(standby, "twinlog_active")).isFalse();
    }
  }

  @Test
  void aServerThatIsDownIsNotConnectedAndNothingThrows() {
    PostgresServer standby = cluster.standby(0);
    standby.stop();
    try {
      SlotDropResult result = slots.drop(request("standby-a", standby, "twinlog_any"));
      assertThat(result.outcome()).isEqualTo(Outcome.NOT_CONNECTED);
      assertThat(result.failure()).isEqualTo(FindingReason.UNREACHABLE);
      assertThat(result.gone()).isFalse();
      assertThat(result.message())
          .startsWith("could not drop replication slot twinlog_any on standby-a: cannot connect to")
          .endsWith("; retried later");

      PostgresCheckRequest wrongPassword =
          new PostgresCheckRequest(
              "primary",
              cluster.primary().host(),
              cluster.primary().port(),
              CDC_USER,
              "wrong-secret",
              DATABASE,
              "twinlog_any",
              null,
              List.of(),
              false,
              null,
              null);
      SlotDropResult rejected = slots.drop(wrongPassword);
      assertThat(rejected.outcome()).isEqualTo(Outcome.NOT_CONNECTED);
      assertThat(rejected.failure()).isEqualTo(FindingReason.AUTHENTICATION_FAILED);
    } finally {
      standby.start();
    }
  }

  private static Connection replicationConnection(PostgresServer server) throws Exception {
    Properties props = new Properties();
    PGProperty.USER.set(props, CDC_USER);
    PGProperty.PASSWORD.set(props, CDC_PASSWORD);
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "16");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    return DriverManager.getConnection(server.jdbcUrl(DATABASE), props);
  }
}
