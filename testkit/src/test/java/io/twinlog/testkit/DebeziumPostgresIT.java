package io.twinlog.testkit;

import static io.twinlog.testkit.PostgresCluster.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.testkit.ConnectRest.ConnectRestException;
import java.io.StringReader;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Two real Debezium PostgreSQL connectors, each on its own standby through its own logical slot,
 * see the primary's transactions with the same WAL positions: what lets the deduplicator recognise
 * one change arriving twice.
 */
class DebeziumPostgresIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static EmbeddedKafka kafka;
  private static EmbeddedConnect connect;
  private static PostgresCluster cluster;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    connect = EmbeddedConnect.start(kafka);
  }

  @BeforeEach
  void startCluster() {
    // Walsenders send a keepalive (with their WAL position) after half this timeout of silence.
    cluster = PostgresCluster.builder().standbys(2).setting("wal_sender_timeout", "6s").start();
  }

  @AfterEach
  void stopCluster() {
    ConnectRest rest = connect.rest();
    for (String name : rest.list()) {
      rest.delete(name);
    }
    // Tasks stop asynchronously: let them leave their slots before the servers go.
    String activeLogicalSlots =
        "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_type = 'logical'";
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(
            () ->
                cluster.standbys().stream()
                    .filter(PostgresServer::isRunning)
                    .allMatch(s -> "0".equals(s.queryString(activeLogicalSlots))));
    cluster.close();
  }

  @AfterAll
  static void stop() {
    if (connect != null) {
      connect.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void connectorsOnTwoStandbysWriteTheSameLsnTxIdKeyAndRowsForEveryChange() throws Exception {
    PostgresServer primary = cluster.primary();
    primary.executeIn(
        DATABASE,
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text)",
        // FULL: updates and deletes carry the whole old row, so "before" has something to match.
        "ALTER TABLE orders REPLICA IDENTITY FULL",
        "CREATE TABLE customers (id int PRIMARY KEY, name text)",
        "CREATE TABLE unpublished (id serial PRIMARY KEY, payload text)",
        "CREATE PUBLICATION dbz_pub FOR TABLE orders, customers");
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    for (String prefix : List.of("a", "b")) {
      for (String table : List.of("orders", "customers")) {
        kafka.createTopic(prefix + ".public." + table, 1);
      }
    }

    ConnectRest rest = connect.rest();
    assertThat(rest.connectorPlugins())
        .contains("io.debezium.connector.postgresql.PostgresConnector");
    Map<String, String> a = connectorConfig("a", cluster.standby(0));
    // Only a beats: a standby cannot run heartbeat.action.query, the interval alone is allowed.
    a.put("heartbeat.interval.ms", "1000");
    rest.createConnector("pg-a", a);
    Map<String, String> b = connectorConfig("b", cluster.standby(1));
    // Only b lets the JDBC driver confirm the keepalives' LSN while no published change comes.
    b.put("lsn.flush.mode", "connector_and_driver");
    b.put("status.update.interval.ms", "1000");
    rest.createConnector("pg-b", b);
    awaitSlotsOnStandbys(Map.of(cluster.standby(0), "dbz_a", cluster.standby(1), "dbz_b"));
    for (String name : List.of("pg-a", "pg-b")) {
      await()
          .ignoreExceptionsInstanceOf(ConnectRestException.class)
          .atMost(WAIT)
          .until(() -> rest.status(name).isRunning());
    }

    // A slot on the primary that nobody consumes: what the WAL itself says about each change.
    cluster.createLogicalSlot(primary, "witness", "pgoutput");
    primary.executeIn(
        DATABASE,
        "INSERT INTO orders VALUES (1, 9.50, NULL), (2, 12.00, NULL), (3, 1.00, NULL)",
        "BEGIN",
        "UPDATE orders SET total = total + 1 WHERE id = 1",
        "INSERT INTO customers VALUES (7, 'Ada')",
        "UPDATE customers SET name = 'Ada L.' WHERE id = 7",
        "COMMIT",
        "DELETE FROM orders WHERE id = 2");
    try (Connection c = primary.connect(DATABASE)) {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn("COPY orders FROM STDIN", new StringReader("10\t1\tc\n11\t2\tc\n12\t3\tc\n"));
    }
    primary.executeIn(DATABASE, "UPDATE orders SET note = 'all'");
    // orders: 3 inserts, 1 update, 1 delete, 3 copied, 5 updated; customers: insert, update.
    int orders = 3 + 1 + 1 + 3 + 5;
    int customers = 2;

    List<String> debeziumPositions = new ArrayList<>();
    Map<Long, String> sequenceStartByTxId = new HashMap<>();
    for (String table : List.of("orders", "customers")) {
      int count = table.equals("orders") ? orders : customers;
      List<ConsumerRecord<String, String>> fromA = kafka.consume("a.public." + table, count, WAIT);
      List<ConsumerRecord<String, String>> fromB = kafka.consume("b.public." + table, count, WAIT);
      assertThat(fromA).hasSize(count);
      assertThat(fromB).hasSize(count);
      for (int i = 0; i < count; i++) {
        JsonNode va = JSON.readTree(fromA.get(i).value()).path("payload");
        JsonNode vb = JSON.readTree(fromB.get(i).value()).path("payload");
        assertThat(JSON.readTree(fromB.get(i).key())).isEqualTo(JSON.readTree(fromA.get(i).key()));
        assertThat(vb.path("op")).isEqualTo(va.path("op"));
        assertThat(vb.path("before")).isEqualTo(va.path("before"));
        assertThat(vb.path("after")).isEqualTo(va.path("after"));
        JsonNode sa = va.path("source");
        JsonNode sb = vb.path("source");
        for (String field : List.of("lsn", "txId", "xmin", "ts_ms", "ts_us", "sequence")) {
          assertThat(sb.path(field)).as(table + " #" + i + " " + field).isEqualTo(sa.path(field));
        }
        assertThat(sa.path("lsn").isIntegralNumber()).isTrue();
        assertThat(sb.path("name").asText()).isEqualTo("b");
        debeziumPositions.add(sa.path("lsn").asLong() + "/" + sa.path("txId").asLong());
        JsonNode sequence = JSON.readTree(sa.path("sequence").asText());
        assertThat(sequence.get(1).asText()).isEqualTo(sa.path("lsn").asText());
        String start = sequence.get(0).isNull() ? "null" : sequence.get(0).asText();
        assertThat(sequenceStartByTxId.putIfAbsent(sa.path("txId").asLong(), start))
            .as("one sequence[0] per transaction")
            .isIn(null, start);
        System.out.println(
            table
                + " "
                + va.path("op").asText()
                + " lsn "
                + sa.path("lsn")
                + " txId "
                + sa.path("txId")
                + " sequence "
                + sa.path("sequence").asText());
      }
      if (table.equals("orders")) {
        printEnvelope(fromA.get(0));
        // The three copied rows (records 5..7): one WAL record, one lsn, one transaction.
        List<JsonNode> copied = new ArrayList<>();
        for (int i = 5; i < 8; i++) {
          copied.add(JSON.readTree(fromA.get(i).value()).path("payload").path("source"));
        }
        copied.forEach(s -> System.out.println("COPY row source: " + s));
        assertThat(copied.stream().map(s -> s.path("lsn").asLong()).distinct()).hasSize(1);
        assertThat(copied.stream().map(s -> s.path("txId").asLong()).distinct()).hasSize(1);
      }
    }

    // Debezium's lsn and txId are the WAL record's lsn and the xid, as pg_logical_slot_peek says.
    List<String> walPositions =
        PostgresClusterIT.peek(primary, "witness", "dbz_pub").stream()
            .filter(m -> "IUD".indexOf(m.type()) >= 0)
            .map(m -> lsnToLong(m.lsn()) + "/" + m.xid())
            .toList();
    assertThat(debeziumPositions).containsExactlyInAnyOrderElementsOf(walPositions);
    // sequence[0]: null for the first transaction since the connector started, then the end of
    // the previous transaction's commit (the lsn a Commit message is peeked at).
    List<PostgresClusterIT.Message> witness = PostgresClusterIT.peek(primary, "witness", "dbz_pub");
    String previousCommitEnd = "null";
    for (PostgresClusterIT.Message m : witness) {
      if (m.type() == 'B') {
        assertThat(sequenceStartByTxId.get(Long.parseLong(m.xid())))
            .as("sequence[0] of xid " + m.xid())
            .isEqualTo(previousCommitEnd);
      } else if (m.type() == 'C') {
        previousCommitEnd = String.valueOf(lsnToLong(m.lsn()));
      }
    }

    heartbeatsOnAStandby(primary);
  }

  private static long lsnToLong(String lsn) {
    int slash = lsn.indexOf('/');
    return (Long.parseLong(lsn.substring(0, slash), 16) << 32)
        | Long.parseLong(lsn.substring(slash + 1), 16);
  }

  @Test
  void aConnectorOnAStandbyRepointedToAPromotedStandbyGoesOnOnTheNewTimeline() throws Exception {
    PostgresServer primary = cluster.primary();
    primary.executeIn(
        DATABASE,
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text)",
        "CREATE TABLE customers (id int PRIMARY KEY, name text)",
        "CREATE PUBLICATION dbz_pub FOR TABLE orders, customers");
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    kafka.createTopic("f.public.orders", 1);
    ConnectRest rest = connect.rest();
    rest.createConnector("pg-f", connectorConfig("f", cluster.standby(1)));
    awaitSlotsOnStandbys(Map.of(cluster.standby(1), "dbz_f"));
    await()
        .ignoreExceptionsInstanceOf(ConnectRestException.class)
        .atMost(WAIT)
        .until(() -> rest.status("pg-f").isRunning());
    primary.executeIn(DATABASE, "INSERT INTO orders VALUES (1, 1.00, 'timeline 1')");
    assertThat(kafka.consume("f.public.orders", 1, WAIT)).hasSize(1);
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));

    primary.kill();
    PostgresServer promoted = cluster.promote(0);
    cluster.repoint(1);
    promoted.executeIn(DATABASE, "INSERT INTO orders VALUES (2, 2.00, 'timeline 2')");
    cluster.awaitStandbyCaughtUp(cluster.standby(1), Duration.ofSeconds(30));

    List<ConsumerRecord<String, String>> records = kafka.consume("f.public.orders", 2, WAIT);
    for (ConsumerRecord<String, String> r : records) {
      System.out.println(
          "across the failover: " + JSON.readTree(r.value()).path("payload").path("source"));
    }
    System.out.println("pg-f: " + rest.status("pg-f"));
    assertThat(records).hasSize(2);
    JsonNode second = JSON.readTree(records.get(1).value()).path("payload");
    assertThat(second.path("after").path("note").asText()).isEqualTo("timeline 2");
    assertThat(rest.status("pg-f").isRunning()).isTrue();
  }

  /**
   * What Debezium does with {@code heartbeat.interval.ms} on a standby while the published tables
   * stay idle but WAL moves on: printed for the record; asserted only what held on PostgreSQL 17.
   */
  private void heartbeatsOnAStandby(PostgresServer primary) throws Exception {
    PostgresServer standbyA = cluster.standby(0);
    PostgresServer standbyB = cluster.standby(1);
    await().atMost(WAIT).until(() -> kafka.endOffset("__debezium-heartbeat.a") > 0);
    String aBefore = confirmedFlush(standbyA, "dbz_a");
    String bBefore = confirmedFlush(standbyB, "dbz_b");
    for (int i = 0; i < 20; i++) {
      primary.executeIn(DATABASE, "INSERT INTO unpublished (payload) VALUES (repeat('x', 1000))");
    }
    String walEnd = primary.queryString("SELECT pg_current_wal_lsn()");
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    try {
      // Watched for 10 s: whether it moves at all is what this test reports.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !bBefore.equals(confirmedFlush(standbyB, "dbz_b")));
    } catch (org.awaitility.core.ConditionTimeoutException stayed) {
      // did not move within the 10 s: printed below
    }
    String aAfter = confirmedFlush(standbyA, "dbz_a");
    String bAfter = confirmedFlush(standbyB, "dbz_b");
    System.out.println(
        "Idle published tables, WAL to "
            + walEnd
            + ": slot dbz_a (heartbeat 1 s) confirmed_flush_lsn "
            + aBefore
            + " -> "
            + aAfter
            + "; slot dbz_b (lsn.flush.mode=connector_and_driver) "
            + bBefore
            + " -> "
            + bAfter
            + "; heartbeat records in __debezium-heartbeat.a: "
            + kafka.endOffset("__debezium-heartbeat.a"));
    for (PostgresServer standby : List.of(standbyA, standbyB)) {
      System.out.println(
          standby.name()
              + " walsenders: "
              + standby.query(
                  "SELECT application_name, state, sent_lsn, write_lsn, flush_lsn, replay_lsn,"
                      + " reply_time FROM pg_stat_replication")
              + "; replayed to "
              + standby.queryString("SELECT pg_last_wal_replay_lsn()"));
    }
    List<ConsumerRecord<String, String>> beats = kafka.consume("__debezium-heartbeat.a", 1, WAIT);
    System.out.println(
        "A heartbeat record: key " + beats.get(0).key() + " value " + beats.get(0).value());
    assertThat(connect.rest().status("pg-a").isRunning()).isTrue();
    // Debezium 3.5 on a standby: heartbeats are written, yet with nothing published to process
    // the slot's confirmed_flush_lsn stays where the last published change left it, and the
    // standby keeps the WAL from there (a standby cannot run heartbeat.action.query).
    assertThat(aAfter)
        .as("dbz_a confirmed_flush_lsn with heartbeat.interval.ms")
        .isEqualTo(aBefore);
    assertThat(beats.get(0).key()).isEqualTo("{\"serverName\":\"a\"}");
  }

  /**
   * Which write on the primary makes idle standby slots advance. Two connectors with {@code
   * heartbeat.interval.ms=1000}, each on its own standby: {@code ha} captures only {@code orders}
   * and excludes the message prefix {@code twinlog}; {@code hb} also captures {@code
   * twinlog_heartbeat}. While only an unpublished table (and a message in another database) writes
   * WAL, neither slot moves; a non-transactional logical message written in the captured database
   * by a role with no grant at all moves both, as does an upsert into a published table, captured
   * or not. Printed: how far each slot moved and how soon.
   */
  @Test
  void aLogicalMessageOnThePrimaryAdvancesEveryIdleStandbysSlot() throws Exception {
    PostgresServer primary = cluster.primary();
    PostgresServer standbyA = cluster.standby(0);
    PostgresServer standbyB = cluster.standby(1);
    primary.executeIn(
        DATABASE,
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text)",
        "CREATE TABLE unpublished (id serial PRIMARY KEY, payload text)",
        "CREATE TABLE twinlog_heartbeat (id int PRIMARY KEY, beat timestamptz NOT NULL)",
        "CREATE PUBLICATION dbz_pub FOR TABLE orders, twinlog_heartbeat",
        // May log in and nothing else: no REPLICATION, no grant on any table or function.
        "CREATE ROLE beat LOGIN PASSWORD 'beat-secret'",
        "CREATE ROLE beat_table LOGIN PASSWORD 'beat-secret'",
        "GRANT INSERT, UPDATE ON twinlog_heartbeat TO beat_table");
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    for (String topic :
        List.of("ha.public.orders", "hb.public.orders", "hb.public.twinlog_heartbeat")) {
      kafka.createTopic(topic, 1);
    }
    ConnectRest rest = connect.rest();
    Map<String, String> a = connectorConfig("ha", standbyA);
    a.put("table.include.list", "public.orders");
    a.put("heartbeat.interval.ms", "1000");
    a.put("message.prefix.exclude.list", "twinlog");
    rest.createConnector("pg-ha", a);
    Map<String, String> b = connectorConfig("hb", standbyB);
    b.put("table.include.list", "public.orders,public.twinlog_heartbeat");
    b.put("heartbeat.interval.ms", "1000");
    rest.createConnector("pg-hb", b);
    awaitSlotsOnStandbys(Map.of(standbyA, "dbz_ha", standbyB, "dbz_hb"));
    for (String name : List.of("pg-ha", "pg-hb")) {
      await()
          .ignoreExceptionsInstanceOf(ConnectRestException.class)
          .atMost(WAIT)
          .until(() -> rest.status(name).isRunning());
    }
    primary.executeIn(DATABASE, "INSERT INTO orders VALUES (1, 1.00, 'before the idle spell')");
    assertThat(kafka.consume("ha.public.orders", 1, WAIT)).hasSize(1);
    assertThat(kafka.consume("hb.public.orders", 1, WAIT)).hasSize(1);
    await().atMost(WAIT).until(() -> kafka.endOffset("__debezium-heartbeat.ha") > 0);
    await().atMost(WAIT).until(() -> kafka.endOffset("__debezium-heartbeat.hb") > 0);
    // Both slots confirm the insert's commit within an offset flush; from then on they are idle.
    String insertEnd = primary.queryString("SELECT pg_current_wal_lsn()");
    await()
        .atMost(WAIT)
        .until(
            () ->
                atOrPast(standbyA, "dbz_ha", insertEnd) && atOrPast(standbyB, "dbz_hb", insertEnd));
    // Settled: the positions have stayed put for 2 s (a late offset flush would move them).
    java.util.concurrent.atomic.AtomicReference<String> seen =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String now = confirmedFlush(standbyA, "dbz_ha") + confirmedFlush(standbyB, "dbz_hb");
              return now.equals(seen.getAndSet(now));
            });
    String a0 = confirmedFlush(standbyA, "dbz_ha");
    String b0 = confirmedFlush(standbyB, "dbz_hb");

    // WAL moves on, but nothing the slots decode for the captured database is published.
    String noise = noise(primary);
    primary.queryString("SELECT pg_logical_emit_message(false, 'twinlog', 'in another database')");
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    // Idle for 8 s: neither slot moves at any poll in that time.
    await()
        .during(Duration.ofSeconds(8))
        .atMost(Duration.ofSeconds(12))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                confirmedFlush(standbyA, "dbz_ha").equals(a0)
                    && confirmedFlush(standbyB, "dbz_hb").equals(b0));
    String a1 = confirmedFlush(standbyA, "dbz_ha");
    String b1 = confirmedFlush(standbyB, "dbz_hb");
    System.out.println(
        "Idle: WAL to "
            + noise
            + " (unpublished rows, a message in database postgres); after 8 s dbz_ha "
            + a0
            + " -> "
            + a1
            + ", dbz_hb "
            + b0
            + " -> "
            + b1
            + "; retained on standby-1 "
            + retained(standbyA, "dbz_ha")
            + " bytes, standby-2 "
            + retained(standbyB, "dbz_hb"));
    assertThat(a1).as("dbz_ha while idle").isEqualTo(a0);
    assertThat(b1).as("dbz_hb while idle").isEqualTo(b0);

    // (a) A non-transactional logical message in the captured database, by a role with no grants.
    String message;
    try (Connection c = primary.connect("beat", "beat-secret", DATABASE);
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT pg_logical_emit_message(false, 'twinlog', now()::text)::text")) {
      rs.next();
      message = rs.getString(1);
    }
    long t0 = System.nanoTime();
    Map<String, Long> after = awaitPast(Map.of(standbyA, "dbz_ha", standbyB, "dbz_hb"), noise, t0);
    System.out.println(
        "(a) pg_logical_emit_message(false, 'twinlog', ...) as role beat (no grants) returned "
            + message
            + "; dbz_ha "
            + a1
            + " -> "
            + confirmedFlush(standbyA, "dbz_ha")
            + " after "
            + after.get(standbyA.name())
            + " ms, dbz_hb "
            + b1
            + " -> "
            + confirmedFlush(standbyB, "dbz_hb")
            + " after "
            + after.get(standbyB.name())
            + " ms; restart_lsn standby-1 "
            + restartLsn(standbyA, "dbz_ha")
            + ", standby-2 "
            + restartLsn(standbyB, "dbz_hb")
            + "; message topics: ha.message "
            + kafka.endOffset("ha.message")
            + " records, hb.message "
            + kafka.endOffset("hb.message"));
    // Confirmed exactly up to what the function returned: the end of the message's WAL record.
    assertThat(confirmedFlush(standbyA, "dbz_ha")).isEqualTo(message);
    assertThat(confirmedFlush(standbyB, "dbz_hb")).isEqualTo(message);
    assertThat(kafka.endOffset("ha.message")).as("excluded prefix: no record").isZero();
    List<ConsumerRecord<String, String>> messages = kafka.consume("hb.message", 1, WAIT);
    assertThat(messages).hasSize(1);
    System.out.println(
        "hb.message record: key " + messages.get(0).key() + " value " + messages.get(0).value());
    // A standby cannot write it either.
    try (Connection c = standbyA.connect("beat", "beat-secret", DATABASE);
        java.sql.Statement s = c.createStatement()) {
      java.sql.SQLException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.sql.SQLException.class,
              () -> s.executeQuery("SELECT pg_logical_emit_message(false, 'twinlog', 'x')"));
      System.out.println("on a standby: " + refused.getSQLState() + " " + refused.getMessage());
    }

    // (b) and (c): an upsert into a published table, which dbz_ha does not capture (b) and dbz_hb
    // does (c). It needs a table, grants and the publication; the role beat may not write it, nor
    // may INSERT and UPDATE alone: ON CONFLICT DO UPDATE reads the row, which takes SELECT.
    for (String role : List.of("beat", "beat_table")) {
      try (Connection c = primary.connect(role, "beat-secret", DATABASE);
          java.sql.Statement s = c.createStatement()) {
        java.sql.SQLException denied =
            org.junit.jupiter.api.Assertions.assertThrows(
                java.sql.SQLException.class, () -> s.execute(upsert()));
        assertThat(denied.getSQLState()).as(role).isEqualTo("42501");
        System.out.println("upsert as " + role + ": " + denied.getMessage());
      }
    }
    primary.executeIn(DATABASE, "GRANT SELECT ON twinlog_heartbeat TO beat_table");
    String noise2 = noise(primary);
    String a2 = confirmedFlush(standbyA, "dbz_ha");
    String b2 = confirmedFlush(standbyB, "dbz_hb");
    try (Connection c = primary.connect("beat_table", "beat-secret", DATABASE);
        java.sql.Statement s = c.createStatement()) {
      s.execute(upsert());
    }
    long t1 = System.nanoTime();
    Map<String, Long> afterUpsert =
        awaitPast(Map.of(standbyA, "dbz_ha", standbyB, "dbz_hb"), noise2, t1);
    List<ConsumerRecord<String, String>> beatRows =
        kafka.consume("hb.public.twinlog_heartbeat", 1, WAIT);
    System.out.println(
        "(b) upsert into twinlog_heartbeat, published, not captured by ha: dbz_ha "
            + a2
            + " -> "
            + confirmedFlush(standbyA, "dbz_ha")
            + " after "
            + afterUpsert.get(standbyA.name())
            + " ms; (c) captured by hb: dbz_hb "
            + b2
            + " -> "
            + confirmedFlush(standbyB, "dbz_hb")
            + " after "
            + afterUpsert.get(standbyB.name())
            + " ms, a record in hb.public.twinlog_heartbeat: "
            + (beatRows.isEmpty() ? "none" : beatRows.get(0).value()));
    assertThat(beatRows).hasSize(1);
    assertThat(kafka.endOffset("ha.public.twinlog_heartbeat")).isZero();
    assertThat(rest.status("pg-ha").isRunning()).isTrue();
    assertThat(rest.status("pg-hb").isRunning()).isTrue();
  }

  private static String upsert() {
    return "INSERT INTO twinlog_heartbeat VALUES (1, now())"
        + " ON CONFLICT (id) DO UPDATE SET beat = excluded.beat";
  }

  /** 20 rows of 1 kB into the unpublished table; returns the primary's WAL position after them. */
  private static String noise(PostgresServer primary) {
    for (int i = 0; i < 20; i++) {
      primary.executeIn(DATABASE, "INSERT INTO unpublished (payload) VALUES (repeat('x', 1000))");
    }
    return primary.queryString("SELECT pg_current_wal_lsn()");
  }

  /**
   * Waits until each slot's confirmed_flush_lsn is at or past {@code lsn}; the milliseconds from
   * {@code t0} each took, by server name.
   */
  private static Map<String, Long> awaitPast(
      Map<PostgresServer, String> slots, String lsn, long t0) {
    Map<String, Long> took = new java.util.concurrent.ConcurrentHashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              slots.forEach(
                  (server, slot) -> {
                    if (!took.containsKey(server.name()) && atOrPast(server, slot, lsn)) {
                      took.put(server.name(), (System.nanoTime() - t0) / 1_000_000);
                    }
                  });
              return took.size() == slots.size();
            });
    return took;
  }

  private static boolean atOrPast(PostgresServer server, String slot, String lsn) {
    return "t"
        .equals(
            server.queryString(
                "SELECT confirmed_flush_lsn >= '"
                    + lsn
                    + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '"
                    + slot
                    + "'"));
  }

  private static String restartLsn(PostgresServer server, String slot) {
    return server.queryString(
        "SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
  }

  /** What a standby's slot keeps on disk: from its restart_lsn to the WAL received. */
  private static String retained(PostgresServer server, String slot) {
    return server.queryString(
        "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), restart_lsn) FROM pg_replication_slots"
            + " WHERE slot_name = '"
            + slot
            + "'");
  }

  private static String confirmedFlush(PostgresServer server, String slot) {
    return server.queryString(
        "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
  }

  private static void printEnvelope(ConsumerRecord<String, String> record) throws Exception {
    JsonNode value = JSON.readTree(record.value());
    System.out.println("Debezium key: " + record.key());
    System.out.println(
        "Debezium payload.source: "
            + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value.path("payload")));
    for (JsonNode field : value.path("schema").path("fields")) {
      if (field.path("field").asText().equals("source")) {
        for (JsonNode f : field.path("fields")) {
          System.out.println(
              "source field "
                  + f.path("field").asText()
                  + ": "
                  + f.path("type").asText()
                  + (f.has("name") ? " (" + f.path("name").asText() + ")" : "")
                  + (f.path("optional").asBoolean() ? " optional" : ""));
        }
      }
    }
  }

  /**
   * Creating a logical slot on a standby waits for a running-xacts record from the primary; an idle
   * primary writes one only every 15 s, so ask for them until both connectors have theirs.
   */
  private static void awaitSlotsOnStandbys(Map<PostgresServer, String> slots) {
    slots.forEach(
        (server, slot) ->
            await(slot + " on " + server.name())
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions() // the primary busy or restarting: asked again
                .until(
                    () -> {
                      cluster.primary().queryString("SELECT pg_log_standby_snapshot()");
                      return confirmedFlush(server, slot) != null;
                    }));
  }

  private static Map<String, String> connectorConfig(String prefix, PostgresServer standby) {
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    config.put("tasks.max", "1");
    config.put("database.hostname", standby.host());
    config.put("database.port", String.valueOf(standby.port()));
    config.put("database.user", PostgresCluster.CDC_USER);
    config.put("database.password", PostgresCluster.CDC_PASSWORD);
    config.put("database.dbname", DATABASE);
    config.put("topic.prefix", prefix);
    config.put("plugin.name", "pgoutput");
    config.put("slot.name", "dbz_" + prefix);
    config.put("publication.name", "dbz_pub");
    config.put("publication.autocreate.mode", "disabled");
    config.put("snapshot.mode", "no_data");
    config.put("table.include.list", "public.orders,public.customers");
    config.put("tombstones.on.delete", "false");
    config.put("decimal.handling.mode", "string");
    config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("key.converter.schemas.enable", "false");
    config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("value.converter.schemas.enable", "true");
    return config;
  }
}
