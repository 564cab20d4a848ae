package io.twinlog.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.contracts.SourceHeaders;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorOffset;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The fact the transform relies on, on real parts: two Debezium MariaDB connectors, each on its own
 * GTID replica of one primary, read one large transaction; replica B's undisturbed, replica A's
 * restarted inside it (a graceful task restart) and later sent back to an older offset it had
 * committed inside it (a crash-like resume, which re-sends). Every change then carries the same
 * (event, row) from both connectors and in both of A's copies, while {@code
 * transaction.total_order} is renumbered from 1 after each of A's resumes.
 */
class TransactionPositionIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(120);

  private static final String DB = "txpos";
  private static final String TABLE = DB + ".items";
  private static final String A = "txpos-replica-a";
  private static final String B = "txpos-replica-b";
  private static final String PREFIX_A = "txpos.a";
  private static final String PREFIX_B = "txpos.b";
  private static final String MARKER_PAST_TX = "{\"id\":-1}";
  private static final String MARKER_PAST_RESEND = "{\"id\":-2}";

  @Test
  void everyChangeKeepsItsEventAndRowAcrossReplicasRestartsAndResends() throws Exception {
    CompletableFuture<MariaDbCluster> db =
        CompletableFuture.supplyAsync(() -> MariaDbCluster.builder().replicas(2).start());
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedConnect connect = EmbeddedConnect.start(kafka);
        MariaDbCluster cluster = db.join()) {
      ConnectRest rest = connect.rest();
      MariaDbServer primary = cluster.primary();
      primary.execute(
          "CREATE DATABASE " + DB,
          "CREATE TABLE "
              + TABLE
              + " (id INT PRIMARY KEY, grp INT NOT NULL, flag INT NOT NULL,"
              + " note VARCHAR(40) NOT NULL)",
          // snapshot rows: what their records carry
          "INSERT INTO " + TABLE + " VALUES (900001, 0, 0, 'snap'), (900002, 0, 0, 'snap')");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));

      rest.createConnector(B, config(cluster.replica(1), PREFIX_B, 5402, kafka, Map.of()));
      // A reads at Kafka's pace, a few hundred records ahead of its topic: with Debezium's and
      // the producer's defaults its task would have read the whole transaction long before its
      // topic showed a quarter of it, and a restart would commit the end of it.
      rest.createConnector(
          A,
          config(
              cluster.replica(0),
              PREFIX_A,
              5401,
              kafka,
              Map.of(
                  "max.batch.size", "256",
                  "max.queue.size", "1024",
                  "producer.override.buffer.memory", "262144")));
      awaitRunning(rest, A);
      awaitRunning(rest, B);
      String topicA = PREFIX_A + "." + TABLE;
      String topicB = PREFIX_B + "." + TABLE;
      await("both snapshots in their topics")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> kafka.endOffset(topicA) >= 2 && kafka.endOffset(topicB) >= 2);

      try (TopicReader readerA = new TopicReader(kafka, topicA);
          TopicReader readerB = new TopicReader(kafka, topicB)) {
        long aBase = kafka.endOffset(topicA);
        String beforeTx = primary.gtidBinlogPos();
        long t0 = System.nanoTime();
        int rows = largeTransaction(primary);
        String txGtid = primary.gtidBinlogPos(); // nothing else writes meanwhile
        primary.execute("INSERT INTO " + TABLE + " VALUES (-1, 0, 0, 'past the transaction')");
        System.out.printf(
            "TXPOS transaction %s: %,d row changes written and committed in %d ms%n",
            txGtid, rows, (System.nanoTime() - t0) / 1_000_000);

        // Offsets A commits inside the transaction: gtids is the position before it, and they
        // count the events already emitted (BinlogOffsetContext).
        List<ConnectorOffset> midTx = new ArrayList<>();
        long restartAt = aBase + rows / 4;
        await("replica A's connector a quarter into the transaction")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(20))
            .until(
                () -> {
                  keepMidTransactionOffsets(rest, A, beforeTx, midTx);
                  return kafka.endOffset(topicA) >= restartAt;
                });
        long restartRequestedAt = kafka.endOffset(topicA) - aBase;
        int observedBeforeRestart = midTx.size();
        rest.restartTask(A, 0);
        await("replica A's connector past the transaction after its restart")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  keepMidTransactionOffsets(rest, A, beforeTx, midTx);
                  return readerA.hasKey(MARKER_PAST_TX);
                });
        List<ConnectorOffset> afterRestart = midTx.subList(observedBeforeRestart, midTx.size());
        assertThat(midTx)
            .as("offsets A committed inside the transaction (gtids %s, with event)", beforeTx)
            .isNotEmpty();
        // Not the last one seen: that may be the transaction's END record's, after every row.
        ConnectorOffset older =
            afterRestart.isEmpty()
                ? midTx.get(midTx.size() - 1)
                : afterRestart.get(afterRestart.size() < 3 ? 0 : (afterRestart.size() - 1) / 2);

        // The crash-like resume: back to an offset A had committed, so it re-sends what followed.
        rest.stop(A);
        await(A + " STOPPED")
            .atMost(WAIT)
            .ignoreExceptions()
            .until(() -> "STOPPED".equals(rest.status(A).state()));
        rest.alterOffsets(A, List.of(older));
        rest.resume(A);
        awaitRunning(rest, A);
        primary.execute("INSERT INTO " + TABLE + " VALUES (-2, 0, 0, 'past the re-send')");
        await("both connectors past the re-send")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> readerA.hasKey(MARKER_PAST_RESEND) && readerB.hasKey(MARKER_PAST_RESEND));

        List<Change> all = readerA.drain();
        List<Change> allB = readerB.drain();
        List<Change> a = ofTransaction(all, txGtid);
        List<Change> b = ofTransaction(allB, txGtid);
        report(rows, txGtid, a, b, midTx, observedBeforeRestart, restartRequestedAt, older);
        reportOthers(kafka, all, allB);

        assertTheFact(rows, a, b, older);
      }
    }
  }

  /**
   * One transaction of 25,306 row changes: rows events of many rows (multi-row INSERTs, an UPDATE
   * and a DELETE of thousands of rows, split by the server into rows events of a few hundred), 300
   * single-row UPDATEs, and row 0's flag flipped 0, 1, 0, 1, 0 between them, so its first and third
   * (and second and fourth) changes are identical. Returns the number of row changes.
   */
  private static int largeTransaction(MariaDbServer primary) throws SQLException {
    try (Connection c = primary.connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      int n = s.executeUpdate("INSERT INTO " + TABLE + " VALUES (0, 0, 0, 'flipped')");
      n += insert(s, 1, 12_000);
      n += flip(s);
      n +=
          s.executeUpdate(
              "UPDATE "
                  + TABLE
                  + " SET note = 'updated', grp = grp + 1 WHERE id BETWEEN 1 AND 9000");
      n += flip(s);
      for (int id = 9001; id <= 9300; id++) {
        n += s.executeUpdate("UPDATE " + TABLE + " SET flag = 1 WHERE id = " + id);
      }
      n += flip(s);
      n += insert(s, 12_001, 15_000);
      n += s.executeUpdate("DELETE FROM " + TABLE + " WHERE id BETWEEN 10001 AND 11000");
      n += flip(s);
      n += s.executeUpdate("INSERT INTO " + TABLE + " VALUES (999999, 0, 0, 'last')");
      c.commit();
      return n;
    }
  }

  private static int insert(Statement s, int from, int to) throws SQLException {
    int n = 0;
    for (int start = from; start <= to; start += 600) {
      StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " VALUES ");
      for (int id = start; id < Math.min(start + 600, to + 1); id++) {
        sql.append(id == start ? "" : ",")
            .append("(")
            .append(id)
            .append(",")
            .append(id % 7)
            .append(",0,'row ")
            .append(id)
            .append("')");
      }
      n += s.executeUpdate(sql.toString());
    }
    return n;
  }

  private static int flip(Statement s) throws SQLException {
    return s.executeUpdate("UPDATE " + TABLE + " SET flag = 1 - flag WHERE id = 0");
  }

  private static Map<String, String> config(
      MariaDbServer replica,
      String prefix,
      int serverId,
      EmbeddedKafka kafka,
      Map<String, String> extra) {
    return connectorConfig(replica, prefix, serverId, kafka, DB, TABLE, extra);
  }

  /**
   * The essentials of the connector the operator renders (SourceConnectors), for one replica
   * capturing {@code table} (db.table) of {@code database}; {@code extra} overrides.
   */
  static Map<String, String> connectorConfig(
      MariaDbServer replica,
      String prefix,
      int serverId,
      EmbeddedKafka kafka,
      String database,
      String table,
      Map<String, String> extra) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
    c.put("tasks.max", "1");
    c.put("database.hostname", replica.host());
    c.put("database.port", String.valueOf(replica.port()));
    c.put("database.user", MariaDbCluster.CDC_USER);
    c.put("database.password", MariaDbCluster.CDC_PASSWORD);
    c.put("database.server.id", String.valueOf(serverId));
    c.put("topic.prefix", prefix);
    c.put("database.include.list", database);
    c.put("table.include.list", table.replace(".", "\\."));
    c.put("schema.history.internal.kafka.topic", prefix + ".schema-history");
    c.put("schema.history.internal.kafka.bootstrap.servers", kafka.bootstrapServers());
    c.put("connect.keep.alive", "true");
    c.put("connect.keep.alive.interval.ms", "5000");
    c.put("provide.transaction.metadata", "true");
    c.put("transforms", SourceHeaders.TRANSFORM_ALIAS);
    c.put("transforms." + SourceHeaders.TRANSFORM_ALIAS + ".type", SourceHeaders.TRANSFORM);
    c.put("snapshot.mode", "initial");
    c.put("heartbeat.interval.ms", "1000");
    c.put("poll.interval.ms", "50");
    c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("key.converter.schemas.enable", "false");
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("value.converter.schemas.enable", "false");
    c.put("topic.creation.default.partitions", "1");
    c.put("topic.creation.default.replication.factor", "-1");
    c.putAll(extra);
    return c;
  }

  static void awaitRunning(ConnectRest rest, String connector) {
    await(connector + " RUNNING")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> rest.status(connector).isRunning());
  }

  /** Appends each new committed offset of {@code connector} inside the transaction after before. */
  private static void keepMidTransactionOffsets(
      ConnectRest rest, String connector, String before, List<ConnectorOffset> kept) {
    try {
      for (ConnectorOffset o : rest.offsets(connector)) {
        if (o.offset() != null
            && before.equals(o.offset().get("gtids"))
            && o.offset().containsKey("event")
            && (kept.isEmpty() || !kept.get(kept.size() - 1).offset().equals(o.offset()))) {
          kept.add(o);
        }
      }
    } catch (RuntimeException e) {
      // 409 during a rebalance, or the task restarting: the next poll asks again
    }
  }

  // ---------------------------------------------------------------- the assertions

  private static void assertTheFact(
      int rows, List<Change> a, List<Change> b, ConnectorOffset older) {
    for (Change c : a) {
      assertThat(c.headerCounts())
          .as("A's record at topic offset %d has each header once", c.kafkaOffset())
          .isEqualTo("1/1");
    }
    for (Change c : b) {
      assertThat(c.headerCounts())
          .as("B's record at topic offset %d has each header once", c.kafkaOffset())
          .isEqualTo("1/1");
    }

    // B read it undisturbed: every change once, (event, row) strictly increasing.
    List<Change> bChanges = changes(b);
    assertThat(bChanges).as("B's changes of the transaction").hasSize(rows);
    for (int i = 1; i < bChanges.size(); i++) {
      assertThat(bChanges.get(i).position().compareTo(bChanges.get(i - 1).position()))
          .as(
              "B's (event,row) increases: %s then %s",
              bChanges.get(i - 1).position(), bChanges.get(i).position())
          .isPositive();
    }
    Map<Position, Change> bByPosition = new HashMap<>();
    bChanges.forEach(c -> bByPosition.put(c.position(), c));
    assertThat(bByPosition).as("B's distinct (event,row)").hasSize(rows);

    // A: the same positions, each with B's content for it.
    List<Change> aChanges = changes(a);
    Set<Position> aPositions = new HashSet<>();
    aChanges.forEach(c -> aPositions.add(c.position()));
    assertThat(aPositions).as("A's distinct (event,row)").hasSize(rows);
    assertThat(aPositions).as("A's (event,row) are B's").isEqualTo(bByPosition.keySet());
    List<String> differing = new ArrayList<>();
    for (Change c : aChanges) {
      Change other = bByPosition.get(c.position());
      if (!c.sameContent(other) && differing.size() < 5) {
        differing.add("A " + c + " vs B " + other);
      }
    }
    assertThat(differing)
        .as("A's change at an (event,row) is B's change at that (event,row)")
        .isEmpty();

    // Tombstones carry their delete's (event,row): the same source offset.
    for (List<Change> records : List.of(a, b)) {
      Map<String, Position> deleted = new HashMap<>();
      for (Change c : records) {
        if ("d".equals(c.op())) {
          deleted.put(c.key(), c.position());
        } else if (c.tombstone()) {
          assertThat(c.position()).as("tombstone %s", c).isEqualTo(deleted.get(c.key()));
        }
      }
    }

    // A's re-sends repeat positions it had sent, with the content it had sent there.
    Map<Position, Change> firstOfA = new HashMap<>();
    int repeats = 0;
    for (Change c : aChanges) {
      Change first = firstOfA.putIfAbsent(c.position(), c);
      if (first != null) {
        repeats++;
        assertThat(c.sameContent(first))
            .as("A's re-sent %s is what it first sent there: %s", c, first)
            .isTrue();
      }
    }
    assertThat(repeats).as("A re-sent changes").isPositive();
    assertThat(aChanges).hasSize(rows + repeats);

    // Each of A's runs (split where total_order starts again) reads forward.
    List<Integer> resumes = resumes(aChanges);
    assertThat(resumes)
        .as("A resumed inside the transaction twice (task restart, then the older offset)")
        .hasSizeGreaterThanOrEqualTo(2);
    // Matched by order: within a run, A's next change is B's next change.
    Map<Position, Integer> bIndex = new HashMap<>();
    for (int i = 0; i < bChanges.size(); i++) {
      bIndex.put(bChanges.get(i).position(), i);
    }
    for (int i = 1; i < aChanges.size(); i++) {
      if (!resumes.contains(i)) {
        assertThat(bIndex.get(aChanges.get(i).position()))
            .as("A's change after %s within a run", aChanges.get(i - 1))
            .isEqualTo(bIndex.get(aChanges.get(i - 1).position()) + 1);
      }
    }
    // The crash-like resume re-sends from the change after the offset it was given, as B has it.
    Position from = Position.of(older.offset());
    Change next =
        bChanges.stream().filter(c -> c.position().compareTo(from) > 0).findFirst().orElseThrow();
    assertThat(aChanges.get(resumes.get(resumes.size() - 1)).position())
        .as("A's first change after resuming from %s", older.offset())
        .isEqualTo(next.position());

    // Why the headers are needed: total_order is not the same for the same change.
    long renumbered =
        aChanges.stream()
            .filter(c -> c.totalOrder() != bByPosition.get(c.position()).totalOrder())
            .count();
    assertThat(renumbered).as("A's changes whose total_order is not B's").isPositive();
  }

  /** The indices where A's total_order does not go on by one: where a resume renumbered it. */
  private static List<Integer> resumes(List<Change> changes) {
    List<Integer> at = new ArrayList<>();
    for (int i = 1; i < changes.size(); i++) {
      if (changes.get(i).totalOrder() != changes.get(i - 1).totalOrder() + 1) {
        at.add(i);
      }
    }
    return at;
  }

  // ---------------------------------------------------------------- the figures

  private static void report(
      int rows,
      String txGtid,
      List<Change> a,
      List<Change> b,
      List<ConnectorOffset> midTx,
      int observedBeforeRestart,
      long restartRequestedAt,
      ConnectorOffset older) {
    List<Change> bChanges = changes(b);
    List<Change> aChanges = changes(a);
    Map<Long, Integer> rowsPerEvent = new TreeMap<>();
    bChanges.forEach(c -> rowsPerEvent.merge(c.position().event(), 1, Integer::sum));
    long single = rowsPerEvent.values().stream().filter(v -> v == 1).count();
    int most = rowsPerEvent.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    System.out.printf(
        "TXPOS %s: %,d row changes in %,d rows events (%d of one row, at most %d rows);"
            + " B: %,d changes + %d tombstones, (event,row) from %s to %s%n",
        txGtid,
        rows,
        rowsPerEvent.size(),
        single,
        most,
        bChanges.size(),
        b.size() - bChanges.size(),
        bChanges.isEmpty() ? "-" : bChanges.get(0).position(),
        bChanges.isEmpty() ? "-" : bChanges.get(bChanges.size() - 1).position());
    List<Long> events = new ArrayList<>(rowsPerEvent.keySet());
    System.out.println(
        "TXPOS B's first rows events' event numbers "
            + events.subList(0, Math.min(8, events.size()))
            + ", rows in them "
            + events.subList(0, Math.min(8, events.size())).stream()
                .map(rowsPerEvent::get)
                .toList());
    List<String> flips = new ArrayList<>();
    for (Change c : bChanges) {
      if ("{\"id\":0}".equals(c.key()) && "u".equals(c.op())) {
        flips.add(c.position() + " total_order " + c.totalOrder() + " " + c.after());
      }
    }
    System.out.println("TXPOS B's updates of row 0 (flag flipped): " + flips);
    System.out.println(
        "TXPOS A's committed offsets inside the transaction as seen ("
            + midTx.size()
            + ", "
            + observedBeforeRestart
            + " before the restart): "
            + midTx.stream().map(o -> Position.of(o.offset()).toString()).toList());
    Map<Position, Long> bOrder = new HashMap<>();
    bChanges.forEach(c -> bOrder.put(c.position(), c.totalOrder()));
    List<Integer> resumes = resumes(aChanges);
    System.out.printf(
        "TXPOS A: %,d records of the transaction (%,d changes, %,d re-sent); task restart"
            + " requested when its topic had %,d of them%n",
        a.size(), aChanges.size(), aChanges.size() - rows, restartRequestedAt);
    Set<Position> seen = new HashSet<>();
    int run = 0;
    int start = 0;
    for (int r = 0; r <= resumes.size(); r++) {
      int end = r < resumes.size() ? resumes.get(r) : aChanges.size();
      int resent = 0;
      for (int i = start; i < end; i++) {
        if (!seen.add(aChanges.get(i).position())) {
          resent++;
        }
      }
      Change first = aChanges.get(start);
      System.out.printf(
          "TXPOS A run %d: %,d changes, (event,row) %s to %s, total_order %d to %d (B's at %s: %s),"
              + " %,d re-sent%s%n",
          ++run,
          end - start,
          first.position(),
          aChanges.get(end - 1).position(),
          first.totalOrder(),
          aChanges.get(end - 1).totalOrder(),
          first.position(),
          bOrder.get(first.position()),
          resent,
          start == 0
              ? ""
              : "; resumed after "
                  + aChanges.get(start - 1).position()
                  + " of the run before, from the committed offset "
                  + committedAt(midTx, aChanges.get(start).position(), bChanges));
      start = end;
    }
    System.out.println(
        "TXPOS A's crash-like resume: offset PATCHed to "
            + new TreeMap<>(older.offset())
            + " (partition "
            + older.partition()
            + ")");
    List<Change> renumbered =
        aChanges.stream()
            .filter(c -> !Long.valueOf(c.totalOrder()).equals(bOrder.get(c.position())))
            .toList();
    System.out.printf(
        "TXPOS A's changes with another total_order than B's at the same (event,row): %,d%s%n",
        renumbered.size(),
        renumbered.isEmpty()
            ? ""
            : ", e.g. "
                + renumbered.get(0).position()
                + " A "
                + renumbered.get(0).totalOrder()
                + ", B "
                + bOrder.get(renumbered.get(0).position()));
  }

  /**
   * The offset A committed that a run starting at {@code first} resumed from: the one whose (event,
   * row) is that of B's change before {@code first} (what a resume skips to), as seen.
   */
  private static String committedAt(
      List<ConnectorOffset> seen, Position first, List<Change> bChanges) {
    Position before = new Position(0, 0);
    for (Change c : bChanges) {
      if (c.position().compareTo(first) >= 0) {
        break;
      }
      before = c.position();
    }
    for (ConnectorOffset o : seen) {
      if (Position.of(o.offset()).equals(before)) {
        return before + " " + new TreeMap<>(o.offset());
      }
    }
    return before + " (not among the offsets seen; a heartbeat's or one committed between polls)";
  }

  /** What the records outside the transaction carry: snapshot, markers, heartbeats, BEGIN/END. */
  private static void reportOthers(EmbeddedKafka kafka, List<Change> a, List<Change> b) {
    for (List<Change> records : List.of(a, b)) {
      String who = records == a ? "A" : "B";
      System.out.println(
          "TXPOS "
              + who
              + " snapshot records (op r): "
              + records.stream().filter(c -> "r".equals(c.op())).map(Change::position).toList()
              + "; markers after the transaction: "
              + records.stream()
                  .filter(c -> c.key().equals(MARKER_PAST_TX) || c.key().equals(MARKER_PAST_RESEND))
                  .map(c -> c.key() + " " + c.position() + " gtid " + c.gtid())
                  .toList());
    }
    for (String prefix : List.of(PREFIX_A, PREFIX_B)) {
      String heartbeats = "__debezium-heartbeat." + prefix;
      if (kafka.endOffset(heartbeats) > 0) {
        try (TopicReader reader = new TopicReader(kafka, heartbeats)) {
          List<ConsumerRecord<String, String>> records = reader.drainRaw();
          Map<String, Integer> byHeaders = new LinkedHashMap<>();
          records.forEach(r -> byHeaders.merge(Change.headers(r), 1, Integer::sum));
          System.out.println(
              "TXPOS heartbeats of "
                  + prefix
                  + ": "
                  + records.size()
                  + ", (event,row) headers and how many: "
                  + byHeaders);
        }
      } else {
        System.out.println("TXPOS heartbeats of " + prefix + ": none");
      }
      String transactions = prefix + ".transaction";
      if (kafka.endOffset(transactions) > 0) {
        try (TopicReader reader = new TopicReader(kafka, transactions)) {
          List<String> lines = new ArrayList<>();
          for (ConsumerRecord<String, String> r : reader.drainRaw()) {
            JsonNode v = parse(r.value());
            if (v != null && v.path("event_count").asLong(-1) != 1) {
              lines.add(
                  v.path("status").asText()
                      + " "
                      + v.path("id").asText()
                      + " event_count="
                      + v.path("event_count").asText("-")
                      + " headers "
                      + Change.headers(r));
            }
          }
          System.out.println("TXPOS transaction records of " + prefix + " (not 1-row): " + lines);
        }
      }
    }
  }

  // ---------------------------------------------------------------- records

  /** (event, row) of a record, ordered as Debezium reads them. */
  record Position(long event, long row) implements Comparable<Position> {
    static Position of(Map<String, ?> offset) {
      return new Position(number(offset.get("event")), number(offset.get("row")));
    }

    private static long number(Object value) {
      return value == null ? 0 : ((Number) value).longValue();
    }

    @Override
    public int compareTo(Position o) {
      int byEvent = Long.compare(event, o.event);
      return byEvent != 0 ? byEvent : Long.compare(row, o.row);
    }

    @Override
    public String toString() {
      return "(" + event + "," + row + ")";
    }
  }

  /** One record of a source topic, with what the assertions compare. */
  record Change(
      long kafkaOffset,
      String key,
      String op,
      String before,
      String after,
      String gtid,
      long totalOrder,
      Position position,
      String headerCounts) {

    boolean tombstone() {
      return op == null;
    }

    boolean sameContent(Change o) {
      return o != null
          && key.equals(o.key)
          && java.util.Objects.equals(op, o.op)
          && java.util.Objects.equals(before, o.before)
          && java.util.Objects.equals(after, o.after);
    }

    static Change of(ConsumerRecord<String, String> r, String previousGtid) {
      JsonNode v = parse(r.value());
      String counts = count(r, SourceHeaders.TX_EVENT) + "/" + count(r, SourceHeaders.TX_ROW);
      Position position =
          new Position(header(r, SourceHeaders.TX_EVENT), header(r, SourceHeaders.TX_ROW));
      if (v == null) {
        // a tombstone after a delete: it belongs to the delete's transaction
        return new Change(
            r.offset(), r.key(), null, null, null, previousGtid, -1, position, counts);
      }
      return new Change(
          r.offset(),
          r.key(),
          v.path("op").asText(),
          v.path("before").toString(),
          v.path("after").toString(),
          v.path("source").path("gtid").asText(null),
          v.path("transaction").path("total_order").asLong(-1),
          position,
          counts);
    }

    private static int count(ConsumerRecord<String, String> r, String name) {
      int n = 0;
      for (Header ignored : r.headers().headers(name)) {
        n++;
      }
      return n;
    }

    private static long header(ConsumerRecord<String, String> r, String name) {
      Header h = r.headers().lastHeader(name);
      return h == null ? -1 : Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
    }

    static String headers(ConsumerRecord<String, String> r) {
      return "(" + header(r, SourceHeaders.TX_EVENT) + "," + header(r, SourceHeaders.TX_ROW) + ")";
    }

    @Override
    public String toString() {
      return position
          + " "
          + op
          + " key="
          + key
          + " after="
          + after
          + " total_order="
          + totalOrder
          + " @"
          + kafkaOffset;
    }
  }

  static JsonNode parse(String value) {
    if (value == null) {
      return null;
    }
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Change> ofTransaction(List<Change> records, String gtid) {
    return records.stream().filter(c -> gtid.equals(c.gtid())).toList();
  }

  static List<Change> changes(List<Change> records) {
    return records.stream().filter(c -> !c.tombstone()).toList();
  }

  /** Reads one single-partition topic from its start, a poll at a time. */
  static final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final TopicPartition partition;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();

    TopicReader(EmbeddedKafka kafka, String topic) {
      consumer = kafka.stringConsumer("txpos-" + UUID.randomUUID());
      partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
    }

    boolean hasKey(String key) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        records.add(r);
        keys.add(r.key());
      }
      return keys.contains(key);
    }

    List<ConsumerRecord<String, String>> drainRaw() {
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      await("reading " + partition + " to " + end)
          .atMost(WAIT)
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                hasKey("");
                return consumer.position(partition) >= end;
              });
      return records;
    }

    List<Change> drain() {
      List<Change> changes = new ArrayList<>();
      String gtid = null;
      for (ConsumerRecord<String, String> r : drainRaw()) {
        Change c = Change.of(r, gtid);
        gtid = c.gtid();
        changes.add(c);
      }
      return changes;
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
