package io.twinlog.testkit;

import static io.twinlog.testkit.PostgresCluster.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

class PostgresClusterIT {

  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  /** One row of {@code pg_logical_slot_peek_binary_changes}: a pgoutput message. */
  record Message(String lsn, String xid, String data) {
    /** The pgoutput message type: B(egin), C(ommit), I(nsert), U(pdate), D(elete), R(elation). */
    char type() {
      // bytea as text is "\x" followed by hex digits.
      return (char) Integer.parseInt(data.substring(2, 4), 16);
    }
  }

  @Test
  void standbysReplayThePrimaryAndCatchUpAfterRestartAndKill() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.builder().start()) {
      PostgresServer primary = cluster.primary();
      assertThat(cluster.standbys()).hasSize(2);
      primary.executeIn(
          DATABASE,
          "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2))",
          "INSERT INTO orders VALUES (1, 9.50), (2, 12.00)");
      cluster.awaitStandbysCaughtUp(CATCH_UP);

      assertThat(primary.isInRecovery()).isFalse();
      for (PostgresServer standby : cluster.standbys()) {
        assertThat(standby.isInRecovery()).isTrue();
        assertThat(standby.queryStringIn(DATABASE, "SELECT count(*) FROM orders")).isEqualTo("2");
        // The CDC user came by replication and may read the tables on the standby.
        try (Connection c =
                standby.connect(PostgresCluster.CDC_USER, PostgresCluster.CDC_PASSWORD, DATABASE);
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT sum(total) FROM orders")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("21.50");
        }
      }
      // Each standby streams through its own physical slot, with feedback (xmin) on.
      List<Map<String, String>> slots =
          primary.query(
              "SELECT slot_name, slot_type, active, xmin IS NOT NULL AS has_xmin"
                  + " FROM pg_replication_slots ORDER BY slot_name");
      assertThat(slots)
          .extracting(r -> r.get("slot_name") + " " + r.get("slot_type") + " " + r.get("active"))
          .containsExactly("standby_1 physical t", "standby_2 physical t");
      assertThat(cluster.standby(0).queryString("SHOW hot_standby_feedback")).isEqualTo("on");
      assertThat(primary.queryString("SHOW wal_level")).isEqualTo("logical");
      assertThat(primary.queryString("SELECT current_user")).isEqualTo("postgres");
      if (PostgresBinaries.isRoot()) {
        assertThat(ProcessHandle.of(primary.pid()).orElseThrow().info().user())
            .hasValueSatisfying(u -> assertThat(u).isIn("nobody", "65534"));
      }

      PostgresServer standby = cluster.standby(0);
      standby.stop();
      assertThat(standby.isRunning()).isFalse();
      primary.executeIn(DATABASE, "INSERT INTO orders VALUES (3, 1.00)");
      standby.start();
      cluster.awaitStandbyCaughtUp(standby, CATCH_UP);
      assertThat(standby.queryStringIn(DATABASE, "SELECT count(*) FROM orders")).isEqualTo("3");

      standby.kill();
      primary.executeIn(DATABASE, "INSERT INTO orders VALUES (4, 2.00)");
      standby.start();
      cluster.awaitStandbyCaughtUp(standby, CATCH_UP);
      assertThat(standby.queryStringIn(DATABASE, "SELECT count(*) FROM orders")).isEqualTo("4");

      primary.kill();
      primary.start();
      primary.executeIn(DATABASE, "INSERT INTO orders VALUES (5, 3.00)");
      cluster.awaitStandbysCaughtUp(CATCH_UP);
      assertThat(cluster.standby(1).queryStringIn(DATABASE, "SELECT count(*) FROM orders"))
          .isEqualTo("5");
    }
  }

  @Test
  void aTransactionDecodedOnEveryStandbyHasThePrimarysLsnsAndXid() throws Exception {
    try (PostgresCluster cluster =
        PostgresCluster.builder().primarySetting("max_slot_wal_keep_size", "64MB").start()) {
      PostgresServer primary = cluster.primary();
      assertThat(primary.queryString("SHOW max_slot_wal_keep_size")).isEqualTo("64MB");
      primary.executeIn(
          DATABASE,
          "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2))",
          "CREATE TABLE customers (id int PRIMARY KEY, name text)",
          "CREATE PUBLICATION pub FOR TABLE orders, customers");
      cluster.awaitStandbysCaughtUp(CATCH_UP);
      cluster.createLogicalSlot(primary, "on_primary", "pgoutput");
      for (int i = 0; i < 2; i++) {
        cluster.createLogicalSlot(cluster.standby(i), "on_standby_" + (i + 1), "pgoutput");
      }
      assertThat(cluster.standby(0).query("SELECT slot_type, plugin FROM pg_replication_slots"))
          .containsExactly(Map.of("slot_type", "logical", "plugin", "pgoutput"));

      primary.executeIn(
          DATABASE,
          "INSERT INTO orders VALUES (1, 9.50), (2, 12.00), (3, 1.00)",
          "BEGIN",
          "UPDATE orders SET total = total + 1 WHERE id = 1",
          "INSERT INTO customers VALUES (7, 'Ada')",
          "COMMIT",
          "DELETE FROM orders WHERE id = 2");
      try (Connection c = primary.connect(DATABASE)) {
        long copied =
            c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY orders FROM STDIN", new StringReader("10\t1\n11\t2\n12\t3\n13\t4\n"));
        assertThat(copied).isEqualTo(4);
      }
      cluster.awaitStandbysCaughtUp(CATCH_UP);

      List<Message> onPrimary = peek(primary, "on_primary");
      // 4 transactions: 3 inserts; update + insert; delete; a COPY of 4 rows.
      assertThat(onPrimary.stream().filter(m -> m.type() == 'B')).hasSize(4);
      assertThat(onPrimary.stream().map(Message::type).filter(t -> "IUD".indexOf(t) >= 0))
          .hasSize(3 + 2 + 1 + 4);
      for (int i = 0; i < 2; i++) {
        List<Message> onStandby = peek(cluster.standby(i), "on_standby_" + (i + 1));
        // The same WAL decoded: every message, its lsn and xid byte for byte the primary's.
        assertThat(onStandby).containsExactlyElementsOf(onPrimary);
      }

      // A multi-row INSERT writes a WAL record per row: distinct lsns.
      List<Message> firstInserts =
          onPrimary.stream().filter(m -> m.type() == 'I').limit(3).toList();
      assertThat(firstInserts.stream().map(Message::lsn).distinct()).hasSize(3);
      // COPY writes one multi-insert record for its rows: all its changes share one lsn.
      String copyXid = onPrimary.get(onPrimary.size() - 1).xid();
      List<Message> copyInserts =
          onPrimary.stream().filter(m -> m.xid().equals(copyXid) && m.type() == 'I').toList();
      assertThat(copyInserts).hasSize(4);
      System.out.println(
          "COPY of 4 rows, lsns of its changes: "
              + copyInserts.stream().map(Message::lsn).collect(Collectors.toList()));
      assertThat(copyInserts.stream().map(Message::lsn).distinct()).hasSize(1);
    }
  }

  @Test
  void aStandbyRepointedAfterAPromotionFollowsTheNewTimelineAndLogicalSlotsGoOnOnBoth()
      throws Exception {
    try (PostgresCluster cluster = PostgresCluster.builder().start()) {
      PostgresServer oldPrimary = cluster.primary();
      oldPrimary.executeIn(
          DATABASE, "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
      cluster.awaitStandbysCaughtUp(CATCH_UP);
      PostgresServer follower = cluster.standby(1);
      cluster.createLogicalSlot(follower, "ls", "pgoutput");
      cluster.createLogicalSlot(cluster.standby(0), "own", "pgoutput");
      oldPrimary.executeIn(DATABASE, "INSERT INTO t VALUES (1)");
      cluster.awaitStandbysCaughtUp(CATCH_UP);
      oldPrimary.kill();

      PostgresServer promoted = cluster.promote(0);
      assertThat(promoted.isInRecovery()).isFalse();
      // The WAL file name starts with the timeline: the promoted server writes timeline 2.
      assertThat(promoted.queryString("SELECT pg_walfile_name(pg_current_wal_lsn())"))
          .startsWith("00000002");
      cluster.repoint(1);
      promoted.executeIn(DATABASE, "INSERT INTO t VALUES (2)");
      cluster.awaitStandbyCaughtUp(follower, CATCH_UP);
      assertThat(follower.queryStringIn(DATABASE, "SELECT string_agg(id::text, ',') FROM t"))
          .isEqualTo("1,2");
      assertThat(follower.queryString("SELECT received_tli FROM pg_stat_wal_receiver"))
          .isEqualTo("2");

      // The logical slot on the follower decodes across the timeline switch.
      List<Message> decoded = peek(follower, "ls");
      System.out.println("Slot on the repointed standby: " + decoded);
      assertThat(decoded.stream().filter(m -> m.type() == 'I')).hasSize(2);
      // The promoted server's own logical slot survives the promotion and goes on decoding.
      List<Message> own = peek(promoted, "own");
      assertThat(own).isEqualTo(decoded);
      assertThat(
              follower.query(
                  "SELECT slot_name, conflicting, invalidation_reason FROM pg_replication_slots"))
          .containsExactly(
              mapOf("slot_name", "ls", "conflicting", "f", "invalidation_reason", null));
    }
  }

  @Test
  void aLaggingStandbyPromotedReusesTheLostTransactionsXidAndLsnsAndTheOtherCannotFollowIt()
      throws Exception {
    try (PostgresCluster cluster = PostgresCluster.builder().start()) {
      PostgresServer oldPrimary = cluster.primary();
      oldPrimary.executeIn(
          DATABASE,
          "CREATE TABLE t (id int PRIMARY KEY, v text)",
          "CREATE PUBLICATION pub FOR TABLE t");
      cluster.awaitStandbysCaughtUp(CATCH_UP);
      PostgresServer lagging = cluster.standby(0);
      PostgresServer ahead = cluster.standby(1);
      cluster.createLogicalSlot(ahead, "ls", "pgoutput");
      cluster.awaitStandbysCaughtUp(CATCH_UP);

      lagging.stop();
      oldPrimary.executeIn(DATABASE, "INSERT INTO t VALUES (1, 'lost'), (2, 'lost')");
      cluster.awaitStandbyCaughtUp(ahead, CATCH_UP);
      oldPrimary.kill();
      List<Message> lost = peek(ahead, "ls");

      lagging.start();
      PostgresServer promoted = cluster.promote(0);
      cluster.createLogicalSlot(promoted, "after", "pgoutput");
      promoted.executeIn(DATABASE, "INSERT INTO t VALUES (1, 'new!'), (2, 'new!')");
      List<Message> after = peek(promoted, "after");
      System.out.println("Lost on the old timeline (decoded on " + ahead.name() + "): " + lost);
      System.out.println("Written on the new timeline: " + after);

      List<Message> lostRows = lost.stream().filter(m -> m.type() == 'I').toList();
      List<Message> newRows = after.stream().filter(m -> m.type() == 'I').toList();
      assertThat(lostRows).hasSize(2);
      assertThat(newRows).hasSize(2);
      // The promoted server never saw the lost transaction's xid: it hands it out again.
      assertThat(newRows.get(0).xid()).isEqualTo(lostRows.get(0).xid());
      // And writes its WAL over the same LSN range (forked where its own WAL ended).
      long lostFrom = lsn(lostRows.get(0).lsn());
      long lostTo = lsn(lostRows.get(1).lsn());
      long newFrom = lsn(newRows.get(0).lsn());
      System.out.println(
          "lost rows' lsns "
              + lostRows.stream().map(Message::lsn).toList()
              + ", new rows' lsns "
              + newRows.stream().map(Message::lsn).toList()
              + ", equal lsns: "
              + newRows.stream()
                  .filter(n -> lostRows.stream().anyMatch(l -> l.lsn().equals(n.lsn())))
                  .count());
      assertThat(Math.abs(newFrom - lostFrom)).isLessThan(1024);
      assertThat(newFrom).isLessThanOrEqualTo(lostTo + 1024);

      cluster.repoint(1);
      await("standby-2 refuses the new timeline")
          .atMost(CATCH_UP)
          .until(() -> Files.readString(ahead.log()).contains("forked off current database"));
      System.out.println(
          ahead.logTail().lines().filter(l -> l.contains("forked off")).findFirst().orElse(""));
      assertThat(ahead.isInRecovery()).isTrue();
      assertThat(ahead.queryStringIn(DATABASE, "SELECT string_agg(v, ',') FROM t"))
          .isEqualTo("lost,lost");
      // Its logical slot still decodes the lost transaction, which the new primary never had.
      assertThat(peek(ahead, "ls")).isEqualTo(lost);
    }
  }

  @Test
  void aChangeOnTheNewTimelineCanCarryTheXidAndLsnOfALostChangeExactly() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.builder().start()) {
      PostgresServer oldPrimary = cluster.primary();
      oldPrimary.executeIn(
          DATABASE,
          "CREATE TABLE t (id int PRIMARY KEY, v text)",
          "CREATE PUBLICATION pub FOR TABLE t");
      cluster.awaitStandbysCaughtUp(CATCH_UP);
      PostgresServer lagging = cluster.standby(0);
      PostgresServer ahead = cluster.standby(1);
      cluster.createLogicalSlot(ahead, "ls", "pgoutput");
      cluster.awaitStandbysCaughtUp(CATCH_UP);

      lagging.stop();
      // Room before the lost transaction, so that the new timeline can be padded up to it; a
      // non-transactional message takes no xid and pgoutput does not send it here.
      long before = lsn(oldPrimary.queryString("SELECT pg_current_wal_insert_lsn()"));
      oldPrimary.queryString("SELECT pg_logical_emit_message(false, 'pad', repeat('x', 1000))");
      long after = lsn(oldPrimary.queryString("SELECT pg_current_wal_insert_lsn()"));
      long padRecord = after - before - pageHeaders(before, after);
      oldPrimary.executeIn(DATABASE, "INSERT INTO t VALUES (1, 'lost'), (2, 'lost')");
      cluster.awaitStandbyCaughtUp(ahead, CATCH_UP);
      oldPrimary.kill();
      List<Message> lostRows = peek(ahead, "ls").stream().filter(m -> m.type() == 'I').toList();

      lagging.start();
      PostgresServer promoted = cluster.promote(0);
      // No checkpoint may come between the padding and the insert: take it now.
      promoted.execute("CHECKPOINT");
      cluster.createLogicalSlot(promoted, "after", "pgoutput");
      long target = lsn(lostRows.get(0).lsn());
      long at = lsn(promoted.queryString("SELECT pg_current_wal_insert_lsn()"));
      long record = target - at - pageHeaders(at, target);
      assertThat(record).as("room for a padding record").isGreaterThan(100);
      promoted.queryString(
          "SELECT pg_logical_emit_message(false, 'pad', repeat('x', "
              + (1000 + record - padRecord)
              + "))");
      assertThat(promoted.queryString("SELECT pg_current_wal_insert_lsn()"))
          .isEqualTo(lostRows.get(0).lsn());
      promoted.executeIn(DATABASE, "INSERT INTO t VALUES (1, 'new!'), (2, 'new!')");
      List<Message> newRows =
          peek(promoted, "after").stream().filter(m -> m.type() == 'I').toList();
      System.out.println("lost: " + lostRows + "\nnew:  " + newRows);

      // Same xid, same lsn per change, other content: (xid, lsn) alone cannot tell them apart.
      assertThat(newRows)
          .extracting(Message::xid)
          .isEqualTo(lostRows.stream().map(Message::xid).toList());
      assertThat(newRows)
          .extracting(Message::lsn)
          .isEqualTo(lostRows.stream().map(Message::lsn).toList());
      assertThat(newRows.get(0).data()).isNotEqualTo(lostRows.get(0).data());
    }
  }

  /** The bytes of WAL page headers between two positions (1 MB segments of 8 kB pages). */
  private static long pageHeaders(long from, long to) {
    long bytes = 0;
    for (long page = (from / 8192 + 1) * 8192; page < to; page += 8192) {
      bytes += page % (1 << 20) == 0 ? 40 : 24;
    }
    return bytes;
  }

  private static Map<String, String> mapOf(String... keysAndValues) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static long lsn(String lsn) {
    int slash = lsn.indexOf('/');
    return (Long.parseLong(lsn.substring(0, slash), 16) << 32)
        | Long.parseLong(lsn.substring(slash + 1), 16);
  }

  static List<Message> peek(PostgresServer server, String slot) {
    return peek(server, slot, "pub");
  }

  /** The slot's pending pgoutput messages (protocol 1) for {@code publication}, not consumed. */
  static List<Message> peek(PostgresServer server, String slot, String publication) {
    return server
        .queryIn(
            DATABASE,
            "SELECT lsn::text AS lsn, xid::text AS xid, data FROM"
                + " pg_logical_slot_peek_binary_changes('"
                + slot
                + "', NULL, NULL, 'proto_version', '1', 'publication_names', '"
                + publication
                + "')")
        .stream()
        .map(r -> new Message(r.get("lsn"), r.get("xid"), r.get("data")))
        .toList();
  }
}
