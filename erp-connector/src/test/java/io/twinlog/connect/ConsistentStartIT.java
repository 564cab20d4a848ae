package io.twinlog.connect;

import static io.twinlog.connect.TransactionPositionIT.awaitRunning;
import static io.twinlog.connect.TransactionPositionIT.changes;
import static io.twinlog.connect.TransactionPositionIT.connectorConfig;
import static io.twinlog.connect.TransactionPositionIT.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.twinlog.connect.TransactionPositionIT.Change;
import io.twinlog.connect.TransactionPositionIT.TopicReader;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorOffset;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The facts the operator's consistent start relies on, on real parts
 * (docs/concepts/consistent-start-facts.md): a MariaDB primary with two GTID replicas, replica A's
 * Debezium connector taking the initial snapshot and replica B's created stopped, set to A's
 * position ({@code {"gtids": A's, "file": "", "pos": 0}} under B's partition) and resumed with
 * {@code snapshot.mode=recovery}.
 *
 * <ul>
 *   <li>{@link #followerSeededFromTheLeaderCarriesNoSnapshotAndNothingOlder}: B emits no snapshot
 *       row and every transaction after the seed; A one snapshot row per row, exact at its snapshot
 *       position; per key, nothing either emits after the key's snapshot row is older than it;
 *       switching B to {@code snapshot.mode=initial} once it streams takes no snapshot.
 *   <li>{@link #offsetsListedDuringTheSnapshotAreMarked}: while the snapshot runs every listed
 *       offset carries {@code "snapshot": "INITIAL"} (BinlogOffsetContext#getOffset); Debezium
 *       3.5's MariaDB connector never writes {@code snapshot_completed}. The snapshot's last record
 *       drops the key (BinlogSnapshotChangeEventSource#postSnapshot), so a streaming connector that
 *       has emitted nothing since lists the snapshot position without the marker.
 *   <li>{@link #followerWhoseReplicaHasNotAppliedTheSeedGtid}: the task fails within seconds with
 *       MariaDB's error 1236 ({@code connecting slave requested to start from GTID ..., which is
 *       not in the master's binlog}), not Debezium's {@code no longer available} check, and stays
 *       failed until restarted; restarted once the replica has the seed, it delivers exactly what
 *       follows the seed.
 *   <li>{@link #ddlBetweenTheSeedAndTheResume}: recovery takes the current schema, so the first row
 *       written before an {@code ADD COLUMN} fails the task ({@code internal schema size 4, but row
 *       size 3}); nothing of the table is emitted, and a restart fails the same way.
 * </ul>
 *
 * The MariaDB cluster, Kafka and Connect are shared by the tests; each has its own database,
 * connectors and topics, and deletes its connectors when done. {@code
 * -Dtwinlog.consistentStart.rows=100000} runs the snapshots bigger (default 20,000).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsistentStartIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int ROWS = Integer.getInteger("twinlog.consistentStart.rows", 20_000);
  private static final String MARKER = "{\"id\":-1}";
  private static final Pattern GTID = Pattern.compile("0-1-(\\d+)");

  /** A's pace: a few hundred records ahead of its topic, so its snapshot spans offset flushes. */
  private static final Map<String, String> THROTTLED =
      Map.of(
          "max.batch.size", "256",
          "max.queue.size", "1024",
          "producer.override.buffer.memory", "262144");

  private EmbeddedKafka kafka;
  private EmbeddedConnect connect;
  private MariaDbCluster cluster;
  private ConnectRest rest;

  @BeforeAll
  void start() {
    CompletableFuture<MariaDbCluster> db =
        CompletableFuture.supplyAsync(() -> MariaDbCluster.builder().replicas(2).start());
    kafka = EmbeddedKafka.start();
    connect = EmbeddedConnect.start(kafka);
    cluster = db.join();
    rest = connect.rest();
  }

  private long started;

  @BeforeEach
  void clock() {
    started = System.nanoTime();
  }

  @AfterEach
  void took(TestInfo test) {
    System.out.printf(
        "CONSISTENT %s took %,d ms%n",
        test.getDisplayName(), (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  void stop() {
    if (connect != null) {
      connect.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---------------------------------------------------------------- 1

  /**
   * The whole sequence with live writes (an insert and two updates of existing rows per
   * transaction, 50 a second) during A's snapshot and after: B, seeded with A's first streaming
   * offset, emits no {@code op=r}; A emits one per row at its snapshot position, with that
   * position's content; every transaction after the seed is in B's stream (by GTID and row), every
   * transaction after A's snapshot position in A's; and per key, nothing either emits after the
   * key's snapshot row is older than it. B is then switched to {@code snapshot.mode=initial} (its
   * task restarts): no snapshot, nothing lost.
   */
  @Test
  void followerSeededFromTheLeaderCarriesNoSnapshotAndNothingOlder() throws Exception {
    String db = "cs1";
    String table = db + ".items";
    String a = "cs1-replica-a";
    String b = "cs1-replica-b";
    String prefixA = "cs1.a";
    String prefixB = "cs1.b";
    String topicA = prefixA + "." + table;
    String topicB = prefixB + "." + table;
    MariaDbServer primary = cluster.primary();
    createTable(primary, db, table, ROWS);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));

    Map<String, String> configB =
        connectorConfig(
            cluster.replica(1),
            prefixB,
            5412,
            kafka,
            db,
            table,
            Map.of("snapshot.mode", "recovery"));
    try (Writer writer = Writer.start(primary, table, ROWS)) {
      await("live writes before A starts").atMost(WAIT).until(() -> writer.committed() >= 20);
      long t0 = System.nanoTime();
      rest.createConnector(
          a, connectorConfig(cluster.replica(0), prefixA, 5411, kafka, db, table, THROTTLED));
      rest.createConnectorStopped(b, configB);

      // The operator's wait: A's listed offset without the snapshot marker.
      List<Map<String, Object>> seenA = new ArrayList<>();
      await("A's listed offset is a streaming one")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                Optional<Map<String, Object>> o = offset(a, prefixA);
                o.ifPresent(x -> keepNew(seenA, x));
                return o.isPresent() && !o.get().containsKey("snapshot");
              });
      long snapshotMillis = (System.nanoTime() - t0) / 1_000_000;
      int committedWhenStreaming = writer.committed();
      List<Map<String, Object>> midSnapshot =
          seenA.stream().filter(o -> o.containsKey("snapshot")).toList();
      assertThat(midSnapshot).as("A's offsets listed while its snapshot ran").isNotEmpty();
      Set<Object> snapshotGtids = new HashSet<>();
      midSnapshot.forEach(o -> snapshotGtids.add(o.get("gtids")));
      assertThat(snapshotGtids).as("the gtids of A's mid-snapshot offsets").hasSize(1);
      String snapshotPos = (String) midSnapshot.get(0).get("gtids");
      long snapSeq = seq(snapshotPos);

      Map<String, Object> streamingA = seenA.get(seenA.size() - 1);
      String seed = (String) streamingA.get("gtids");
      long seedSeq = seq(seed);
      assertThat(seedSeq)
          .as("seed %s not before A's snapshot %s", seed, snapshotPos)
          .isGreaterThanOrEqualTo(snapSeq);

      await(b + " STOPPED")
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> "STOPPED".equals(rest.status(b).state()));
      assertThat(rest.offsets(b)).as("B's offsets before the seed").isEmpty();
      rest.alterOffsets(b, List.of(seedOffset(prefixB, seed)));
      awaitApplied(cluster.replica(1), seed);
      rest.resume(b);
      awaitRunning(rest, b);
      // B streams: its listed offset is past the seed, without the snapshot marker.
      List<Map<String, Object>> seenB = new ArrayList<>();
      await("B's listed offset is a streaming one past the seed")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                Optional<Map<String, Object>> o = offset(b, prefixB);
                o.ifPresent(x -> keepNew(seenB, x));
                return o.isPresent()
                    && !o.get().containsKey("snapshot")
                    && seq((String) o.get().get("gtids")) > seedSeq;
              });
      long bStreamingMillis = (System.nanoTime() - t0) / 1_000_000;

      // Back to the pipeline's own snapshot mode: the task restarts.
      long switchAt = kafka.endOffset(topicB);
      int committedAtSwitch = writer.committed();
      Map<String, String> initial = new LinkedHashMap<>(configB);
      initial.put("snapshot.mode", "initial");
      rest.putConfig(b, initial);
      await("B restarted with snapshot.mode=initial and past the switch")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () ->
                  "initial".equals(rest.config(b).get("snapshot.mode"))
                      && rest.status(b).isRunning()
                      && writer.committed() >= committedAtSwitch + 100
                      && kafka.endOffset(topicB) > switchAt + 100);
      writer.close();
      primary.execute("INSERT INTO " + table + " VALUES (-1, 0, 'marker')");
      String markerGtid = primary.gtidBinlogPos();

      try (TopicReader readerA = new TopicReader(kafka, topicA);
          TopicReader readerB = new TopicReader(kafka, topicB)) {
        await("both streams past the marker")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> readerA.hasKey(MARKER) && readerB.hasKey(MARKER));
        List<Change> streamA = changes(readerA.drain());
        List<Change> streamB = changes(readerB.drain());
        List<Tx> txs = writer.transactions();

        // ---- figures
        long duringSnapshot =
            txs.stream()
                .filter(t -> t.seq() > snapSeq && t.index() < committedWhenStreaming)
                .count();
        Map<String, Integer> bRecords = new HashMap<>();
        streamB.forEach(c -> bRecords.merge(c.gtid() + "/" + c.key(), 1, Integer::sum));
        long twice = bRecords.values().stream().filter(n -> n > 1).count();
        System.out.printf(
            "CONSISTENT rows %,d; A's snapshot at %s, streaming offset listed after %,d ms"
                + " (%,d transactions committed after the snapshot position meanwhile); seed %s;"
                + " B streaming past it after %,d ms; %,d transactions in all, %,d after the seed;"
                + " A %,d records, B %,d records (%,d changes twice, re-sent after the switch to"
                + " initial at B's topic offset %,d); marker %s%n",
            ROWS,
            snapshotPos,
            snapshotMillis,
            duringSnapshot,
            seed,
            bStreamingMillis,
            txs.size(),
            txs.stream().filter(t -> t.seq() > seedSeq).count(),
            streamA.size(),
            streamB.size(),
            twice,
            switchAt,
            markerGtid);
        System.out.println(
            "CONSISTENT A's listed offsets: "
                + seenA.stream().map(o -> new TreeMap<>(o).toString()).toList());
        System.out.println(
            "CONSISTENT B's listed offsets after the resume: "
                + seenB.stream().map(o -> new TreeMap<>(o).toString()).toList());

        assertThat(duringSnapshot).as("transactions committed during A's snapshot").isPositive();

        // ---- A: one snapshot row per row at its snapshot position, with that content
        Map<Integer, Integer> atSnapshot = new HashMap<>();
        for (int id = 1; id <= ROWS; id++) {
          atSnapshot.put(id, 0);
        }
        for (Tx t : txs) {
          if (t.seq() <= snapSeq) {
            t.rows().forEach(atSnapshot::put);
          }
        }
        Map<Integer, Integer> snapshotRows = new HashMap<>();
        Map<Integer, Integer> snapshotIndex = new HashMap<>();
        int lastSnapshotRecord = -1;
        int firstStreamed = Integer.MAX_VALUE;
        for (int i = 0; i < streamA.size(); i++) {
          Change c = streamA.get(i);
          if ("r".equals(c.op())) {
            assertThat(snapshotRows.put(id(c), version(c)))
                .as("A's snapshot rows of %s", c.key())
                .isNull();
            snapshotIndex.put(id(c), i);
            lastSnapshotRecord = i;
          } else {
            firstStreamed = Math.min(firstStreamed, i);
          }
        }
        assertThat(snapshotRows)
            .as("A's snapshot rows: the rows at %s", snapshotPos)
            .isEqualTo(atSnapshot);
        assertThat(lastSnapshotRecord)
            .as("A streams after its last snapshot row")
            .isLessThan(firstStreamed);

        // ---- B: no snapshot row
        assertThat(streamB.stream().filter(c -> "r".equals(c.op())).toList())
            .as("B's snapshot rows")
            .isEmpty();

        // ---- every streamed change is a real transaction's, after the snapshot (A) or seed (B)
        Map<String, Tx> byGtid = new HashMap<>();
        txs.forEach(t -> byGtid.put(t.gtid(), t));
        checkStreamed("A", streamA, byGtid, snapSeq, markerGtid);
        checkStreamed("B", streamB, byGtid, seedSeq, markerGtid);

        // ---- every transaction after the position is there, each row of it
        checkComplete("A", streamA, txs, snapSeq);
        checkComplete("B", streamB, txs, seedSeq);
        assertThat(
                streamB.stream()
                    .filter(c -> c.kafkaOffset() >= switchAt)
                    .map(Change::gtid)
                    .toList())
            .as("B's changes after the switch to snapshot.mode=initial")
            .isNotEmpty();

        // ---- per key, nothing after its snapshot row is older than it
        for (int i = 0; i < streamA.size(); i++) {
          Change c = streamA.get(i);
          Integer snap = snapshotRows.get(id(c));
          if (snap != null && !"r".equals(c.op())) {
            assertThat(i)
                .as("A's %s after its snapshot row", c)
                .isGreaterThan(snapshotIndex.get(id(c)));
            assertThat(version(c))
                .as("A's %s newer than its snapshot row (v=%d)", c, snap)
                .isGreaterThan(snap);
          }
        }
        for (Change c : streamB) {
          Integer snap = snapshotRows.get(id(c));
          if (snap != null) {
            assertThat(version(c))
                .as("B's %s newer than A's snapshot row (v=%d)", c, snap)
                .isGreaterThan(snap);
          }
        }
      }
    } finally {
      deleteQuietly(a);
      deleteQuietly(b);
    }
  }

  /** Each change of {@code stream} (but the marker) is a row of a transaction after {@code seq}. */
  private static void checkStreamed(
      String who, List<Change> stream, Map<String, Tx> byGtid, long after, String markerGtid) {
    for (Change c : stream) {
      if ("r".equals(c.op()) || MARKER.equals(c.key())) {
        continue;
      }
      assertThat(seq(c.gtid()))
          .as("%s's %s after position 0-1-%d", who, c, after)
          .isGreaterThan(after);
      Tx t = byGtid.get(c.gtid());
      assertThat(t).as("%s's %s is from a committed transaction", who, c).isNotNull();
      assertThat(t.rows())
          .as("%s's %s: its transaction's rows", who, c)
          .containsEntry(id(c), version(c));
    }
    assertThat(stream.stream().filter(c -> MARKER.equals(c.key())).map(Change::gtid).toList())
        .as("%s's marker", who)
        .contains(markerGtid);
  }

  /** Every row of every transaction after {@code seq} is in {@code stream} with its GTID. */
  private static void checkComplete(String who, List<Change> stream, List<Tx> txs, long after) {
    Set<String> seen = new HashSet<>();
    stream.forEach(c -> seen.add(c.gtid() + " " + c.key() + " v=" + version(c)));
    List<String> missing = new ArrayList<>();
    for (Tx t : txs) {
      if (t.seq() > after) {
        t.rows()
            .forEach(
                (id, v) -> {
                  String row = t.gtid() + " {\"id\":" + id + "} v=" + v;
                  if (!seen.contains(row)) {
                    missing.add(row);
                  }
                });
      }
    }
    assertThat(missing).as("%s's missing rows of transactions after 0-1-%d", who, after).isEmpty();
  }

  // ---------------------------------------------------------------- 2

  /**
   * What A's listed offset ({@code GET /connectors/A/offsets}) carries during its snapshot, right
   * after it (streaming, heartbeats off, nothing written since) and once it streamed a transaction.
   * See the class comment for the marker; the figures are in
   * docs/concepts/consistent-start-facts.md.
   */
  @Test
  void offsetsListedDuringTheSnapshotAreMarked() throws Exception {
    String db = "cs2";
    String table = db + ".items";
    String a = "cs2-replica-a";
    String prefixA = "cs2.a";
    MariaDbServer primary = cluster.primary();
    createTable(primary, db, table, ROWS);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
    Map<String, String> extra = new HashMap<>(THROTTLED);
    extra.put("heartbeat.interval.ms", "0");
    try {
      long t0 = System.nanoTime();
      rest.createConnector(
          a, connectorConfig(cluster.replica(0), prefixA, 5421, kafka, db, table, extra));
      List<Map<String, Object>> seen = new ArrayList<>();
      int[] empty = {0};
      await("A's snapshot over and its offset flushed")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                Optional<Map<String, Object>> o = offset(a, prefixA);
                if (o.isEmpty()) {
                  empty[0]++;
                  return false;
                }
                keepNew(seen, o.get());
                return !o.get().containsKey("snapshot") && streamingConnected(prefixA);
              });
      long millis = (System.nanoTime() - t0) / 1_000_000;
      List<Map<String, Object>> during =
          seen.stream().filter(o -> o.containsKey("snapshot")).toList();
      Map<String, Object> after = seen.get(seen.size() - 1);
      System.out.printf(
          "CONSISTENT snapshot of %,d rows: %d listings without an offset first, %d distinct"
              + " offsets listed during it, streaming offset after %,d ms%n",
          ROWS, empty[0], during.size(), millis);
      during.forEach(o -> System.out.println("CONSISTENT   during: " + new TreeMap<>(o)));
      System.out.println("CONSISTENT   after, nothing streamed yet: " + new TreeMap<>(after));

      assertThat(during).as("offsets listed during the snapshot").isNotEmpty();
      for (Map<String, Object> o : during) {
        assertThat(o)
            .as("an offset listed during the snapshot")
            .containsEntry("snapshot", "INITIAL");
        assertThat(o.keySet())
            .as("its keys")
            .containsExactlyInAnyOrder("snapshot", "gtids", "file", "pos", "ts_sec");
        assertThat(o.get("gtids")).isEqualTo(during.get(0).get("gtids"));
      }
      assertThat(seen)
          .as("no listed offset carries snapshot_completed")
          .noneMatch(o -> o.containsKey("snapshot_completed"));
      // The snapshot's last record's offset: the snapshot position without the marker.
      assertThat(after.keySet())
          .as("the offset right after the snapshot")
          .containsExactlyInAnyOrder("gtids", "file", "pos", "ts_sec");
      assertThat(after.get("gtids")).isEqualTo(during.get(0).get("gtids"));
      assertThat(after.get("file")).isEqualTo(during.get(0).get("file"));
      assertThat(after.get("pos")).isEqualTo(during.get(0).get("pos"));
      // ... and it stays so while A streams and nothing is captured: no flush moves it.
      await("the offset unchanged while A streams idle")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> after.equals(offset(a, prefixA).orElse(null)) && streamingConnected(prefixA));

      // One transaction streamed: the offset moves past it, still without the marker.
      try (Connection c = primary.connect();
          Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.executeUpdate(
            "INSERT INTO " + table + " VALUES (-2, 0, 'streamed'), (-3, 0, 'streamed')");
        s.executeUpdate("UPDATE " + table + " SET v = 1 WHERE id = 1");
        c.commit();
      }
      String written = primary.gtidBinlogPos();
      await("A's offset moved by the streamed transaction, then settled")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> offset(a, prefixA).map(o -> !o.equals(after)).orElse(false));
      AtomicReference<Map<String, Object>> settled = new AtomicReference<>();
      await("A's offset settled")
          .during(Duration.ofMillis(1500))
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                Map<String, Object> o = offset(a, prefixA).orElse(null);
                Map<String, Object> before = settled.getAndSet(o);
                return o != null && o.equals(before);
              });
      Map<String, Object> streamed = settled.get();
      System.out.println(
          "CONSISTENT   after the streamed transaction "
              + written
              + " (heartbeats off): "
              + new TreeMap<>(streamed));
      // Nothing follows the transaction's last row: the offset stays inside it, gtids the
      // position before it (a transaction boundary), until the next record (or heartbeat).
      assertThat(streamed.keySet())
          .as("the offset after one streamed transaction, nothing since")
          .containsExactlyInAnyOrder(
              "gtids",
              "file",
              "pos",
              "event",
              "server_id",
              "ts_sec",
              "transaction_id",
              "transaction_data_collection_order_" + table);
      assertThat(streamed)
          .containsEntry("gtids", after.get("gtids"))
          .containsEntry("transaction_id", written)
          .containsEntry("transaction_data_collection_order_" + table, 3);
    } finally {
      deleteQuietly(a);
    }
  }

  // ---------------------------------------------------------------- 3

  /**
   * A new connector created stopped, seeded with a GTID its replica has not applied yet (the
   * replica's replication stopped), resumed with {@code snapshot.mode=recovery}. {@code
   * MASTER_GTID_WAIT(gtid, 0)} on the replica returns -1 until replication restarts and catches up,
   * then 0. Meanwhile the task neither waits nor skips: the recovery's schema snapshot runs (its
   * records commit the seed with {@code "snapshot": "INITIAL"}), then the binlog connection is
   * refused and the task FAILS, in about 4 s, with {@code Error: connecting slave requested to
   * start from GTID 0-1-N, which is not in the master's binlog Error code: 1236; SQLSTATE: HY000.}
   * (Debezium's own check, {@code ... is no longer available on the server}, is skipped for a
   * connector without schema history in recovery mode: BaseSourceTask#validateSchemaHistory returns
   * before it.) It stays FAILED after the replica has the seed; a restart then delivers exactly the
   * transactions after the seed. So the operator waits for {@code MASTER_GTID_WAIT} before
   * resuming.
   */
  @Test
  void followerWhoseReplicaHasNotAppliedTheSeedGtid() throws Exception {
    String db = "cs3";
    String table = db + ".items";
    String b = "cs3-replica-b";
    String prefixB = "cs3.b";
    String topicB = prefixB + "." + table;
    MariaDbServer primary = cluster.primary();
    MariaDbServer replicaB = cluster.replica(1);
    createTable(primary, db, table, 10);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
    try {
      replicaB.stopReplication();
      String replicaHas = replicaB.gtidBinlogPos();
      primary.execute("UPDATE " + table + " SET v = 1 WHERE id = 1"); // before the seed
      primary.execute("UPDATE " + table + " SET v = 1 WHERE id = 2"); // before the seed
      String seed = primary.gtidBinlogPos();
      primary.execute("UPDATE " + table + " SET v = 2 WHERE id = 2"); // after it
      String afterSeed = primary.gtidBinlogPos();
      assertThat(replicaB.queryString("SELECT MASTER_GTID_WAIT('" + seed + "', 0)"))
          .as("MASTER_GTID_WAIT(seed, 0) on B, not replicating, at %s", replicaHas)
          .isEqualTo("-1");

      rest.createConnectorStopped(
          b,
          connectorConfig(
              replicaB, prefixB, 5432, kafka, db, table, Map.of("snapshot.mode", "recovery")));
      await(b + " STOPPED")
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> "STOPPED".equals(rest.status(b).state()));
      rest.alterOffsets(b, List.of(seedOffset(prefixB, seed)));
      long t0 = System.nanoTime();
      rest.resume(b);
      AtomicReference<ConnectRest.ConnectorStatus> last = new AtomicReference<>();
      try {
        await(b + "'s task failed or emitting")
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> {
                  last.set(rest.status(b));
                  return last.get().anyFailed() || kafka.endOffset(topicB) > 0;
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        System.out.println("CONSISTENT   B neither failed nor emitted in 40 s: " + last.get());
      }
      long failedMillis = (System.nanoTime() - t0) / 1_000_000;
      String trace = last.get().tasks().isEmpty() ? "" : last.get().tasks().get(0).trace();
      System.out.printf(
          "CONSISTENT seed %s ahead of replica B at %s: task %s after %,d ms; trace:%n%s%n",
          seed,
          replicaHas,
          last.get().tasks().isEmpty() ? "-" : last.get().tasks().get(0).state(),
          failedMillis,
          causes(trace));
      System.out.println("CONSISTENT   B's listed offset meanwhile: " + offset(b, prefixB));
      assertThat(last.get().tasks())
          .extracting(ConnectRest.TaskStatus::state)
          .containsExactly("FAILED");
      assertThat(trace)
          .as("B's task's trace")
          .contains(
              "Error: connecting slave requested to start from GTID "
                  + seed
                  + ", which is not in the master's binlog Error code: 1236")
          .doesNotContain("no longer available on the server");
      assertThat(kafka.endOffset(topicB)).as("records B emitted").isZero();
      // The recovery's schema records may have committed the seed with the snapshot marker before
      // the task failed (whether Connect flushed in between is timing: a CI run listed it without
      // the marker): switched to snapshot.mode=initial with the marker, B would take a full
      // snapshot (InitialSnapshotter). Either way the position is the seed.
      Map<String, Object> failedStart = offset(b, prefixB).orElseThrow();
      assertThat(failedStart)
          .as("B's listed offset after the failed start")
          .containsEntry("gtids", seed)
          .containsEntry("file", "")
          .containsEntry("pos", 0);
      if (failedStart.containsKey("snapshot")) {
        assertThat(failedStart).containsEntry("snapshot", "INITIAL");
      }

      replicaB.startReplication();
      long restarted = System.nanoTime();
      await("MASTER_GTID_WAIT(seed, 0) on B once it replicates again")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> "0".equals(replicaB.queryString("SELECT MASTER_GTID_WAIT('" + seed + "', 0)")));
      System.out.printf(
          "CONSISTENT   MASTER_GTID_WAIT(seed, 0) 0 on B %,d ms after START SLAVE%n",
          (System.nanoTime() - restarted) / 1_000_000);
      assertThat(rest.status(b).anyFailed())
          .as("B's task still failed once B has the seed")
          .isTrue();
      rest.restart(b, true, true);
      awaitRunning(rest, b);
      primary.execute("INSERT INTO " + table + " VALUES (-1, 0, 'marker')");
      try (TopicReader readerB = new TopicReader(kafka, topicB)) {
        await("B past the marker")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> readerB.hasKey(MARKER));
        List<Change> streamB = changes(readerB.drain());
        System.out.println("CONSISTENT   B after the restart: " + streamB);
        assertThat(streamB.stream().map(c -> c.gtid() + " " + c.key() + " " + c.op()).toList())
            .as("B's changes after the restart: the transactions after the seed %s", seed)
            .containsExactly(
                afterSeed + " {\"id\":2} u", primary.gtidBinlogPos() + " " + MARKER + " c");
      }
    } finally {
      replicaB.startReplication();
      deleteQuietly(b);
    }
  }

  // ---------------------------------------------------------------- 4

  /**
   * B seeded at G; after G the primary inserts two rows and updates one in a transaction, then runs
   * {@code ALTER TABLE ADD COLUMN extra VARCHAR(20) DEFAULT 'dflt'}, then writes rows with the
   * column; B is resumed with {@code snapshot.mode=recovery} only then, so its schema history
   * starts from the current schema (with {@code extra}) at G. B emits nothing of the table: at the
   * first row written between G and the ALTER its task FAILS with {@code Error processing row in
   * items, internal schema size 4, but row size 3 , restart connector with schema recovery mode.}
   * (under {@code Error processing binlog event}), not with wrong columns. Its listed offset stays
   * G with {@code "snapshot": "INITIAL"}; a restart (in recovery mode, as the message advises)
   * fails the same way. A seed before DDL on a captured table cannot be resumed with recovery.
   */
  @Test
  void ddlBetweenTheSeedAndTheResume() throws Exception {
    String db = "cs4";
    String table = db + ".items";
    String b = "cs4-replica-b";
    String prefixB = "cs4.b";
    String topicB = prefixB + "." + table;
    MariaDbServer primary = cluster.primary();
    createTable(primary, db, table, 5);
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
    String seed = primary.gtidBinlogPos();
    try {
      try (Connection c = primary.connect();
          Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.executeUpdate(
            "INSERT INTO " + table + " VALUES (11, 1, 'before alter'), (12, 1, 'before alter')");
        s.executeUpdate(
            "UPDATE " + table + " SET v = 7, note = 'updated before alter' WHERE id = 1");
        c.commit();
      }
      primary.execute("ALTER TABLE " + table + " ADD COLUMN extra VARCHAR(20) DEFAULT 'dflt'");
      primary.execute("INSERT INTO " + table + " VALUES (13, 1, 'after alter', 'post')");
      primary.execute("UPDATE " + table + " SET v = 8, extra = 'post' WHERE id = 1");
      primary.execute("INSERT INTO " + table + " VALUES (-1, 0, 'marker', 'm')");
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));

      rest.createConnectorStopped(
          b,
          connectorConfig(
              cluster.replica(1),
              prefixB,
              5442,
              kafka,
              db,
              table,
              Map.of("snapshot.mode", "recovery")));
      await(b + " STOPPED")
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> "STOPPED".equals(rest.status(b).state()));
      rest.alterOffsets(b, List.of(seedOffset(prefixB, seed)));
      awaitApplied(cluster.replica(1), seed);
      rest.resume(b);
      try (TopicReader readerB = new TopicReader(kafka, topicB)) {
        AtomicReference<ConnectRest.ConnectorStatus> last = new AtomicReference<>();
        await("B past the marker, or failed")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> {
                  last.set(rest.status(b));
                  return readerB.hasKey(MARKER) || last.get().anyFailed();
                });
        List<Change> streamB = changes(readerB.drain());
        String trace = last.get().tasks().isEmpty() ? null : last.get().tasks().get(0).trace();
        System.out.println(
            "CONSISTENT DDL after the seed "
                + seed
                + ": B's task "
                + last.get().tasks().stream().map(ConnectRest.TaskStatus::state).toList());
        if (trace != null) {
          System.out.println("CONSISTENT   trace: " + causes(trace));
        }
        streamB.forEach(
            c -> System.out.println("CONSISTENT   B: " + c.op() + " " + c.key() + " " + c.after()));
        System.out.println("CONSISTENT   B's listed offset: " + offset(b, prefixB));
        assertThat(last.get().tasks())
            .extracting(ConnectRest.TaskStatus::state)
            .containsExactly("FAILED");
        assertThat(trace)
            .contains(
                "Error processing row in items, internal schema size 4, but row size 3 ,"
                    + " restart connector with schema recovery mode.");
        assertThat(streamB).as("what B emitted of the table").isEmpty();
        // With or without the recovery's snapshot marker: whether Connect flushed it before the
        // task failed is timing.
        Map<String, Object> failed = offset(b, prefixB).orElseThrow();
        assertThat(failed).as("B's listed offset after the failure").containsEntry("gtids", seed);
        if (failed.containsKey("snapshot")) {
          assertThat(failed).containsEntry("snapshot", "INITIAL");
        }

        // A restart (still snapshot.mode=recovery, as the message advises) fails the same way.
        rest.restart(b, true, false);
        await(b + " restarting")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(50))
            .ignoreExceptions()
            .until(() -> !rest.status(b).anyFailed());
        await(b + " failed again")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptions()
            .until(
                () -> {
                  last.set(rest.status(b));
                  return last.get().anyFailed();
                });
        assertThat(last.get().tasks().get(0).trace())
            .as("B's trace after a restart")
            .contains("internal schema size 4, but row size 3");
        assertThat(changes(readerB.drain())).as("what B emitted of the table").isEmpty();
      }
    } finally {
      deleteQuietly(b);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** {@code CREATE DATABASE db; CREATE TABLE table (id, v, note)} and rows 1..rows with v=0. */
  private static void createTable(MariaDbServer primary, String db, String table, int rows)
      throws SQLException {
    primary.execute(
        "CREATE DATABASE " + db,
        "CREATE TABLE "
            + table
            + " (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(40) NOT NULL)");
    try (Connection c = primary.connect();
        Statement s = c.createStatement()) {
      for (int start = 1; start <= rows; start += 1000) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int id = start; id < Math.min(start + 1000, rows + 1); id++) {
          sql.append(id == start ? "" : ",")
              .append("(")
              .append(id)
              .append(",0,'row ")
              .append(id)
              .append("')");
        }
        s.executeUpdate(sql.toString());
      }
    }
  }

  /** B's offset as the operator writes it: A's gtids, an empty file, position 0, nothing else. */
  private static ConnectorOffset seedOffset(String prefix, String gtids) {
    Map<String, Object> offset = new LinkedHashMap<>();
    offset.put("gtids", gtids);
    offset.put("file", "");
    offset.put("pos", 0);
    return new ConnectorOffset(Map.of("server", prefix), offset);
  }

  /** The listed offset of {@code connector}'s partition {@code prefix}, if any (empty on 409). */
  private Optional<Map<String, Object>> offset(String connector, String prefix) {
    try {
      return rest.offsets(connector).stream()
          .filter(o -> prefix.equals(o.partition().get("server")) && o.offset() != null)
          .map(ConnectorOffset::offset)
          .findFirst();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void keepNew(List<Map<String, Object>> seen, Map<String, Object> offset) {
    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(offset)) {
      seen.add(offset);
    }
  }

  private static void awaitApplied(MariaDbServer replica, String gtid) {
    await(replica.name() + " applied " + gtid)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> "0".equals(replica.queryString("SELECT MASTER_GTID_WAIT('" + gtid + "', 0)")));
  }

  /** Debezium's streaming metric {@code Connected} of the connector with this topic prefix. */
  private static boolean streamingConnected(String prefix) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> names =
        server.queryNames(
            new ObjectName(
                "debezium.mariadb:type=connector-metrics,context=streaming,server="
                    + prefix
                    + ",*"),
            null);
    for (ObjectName name : names) {
      if (Boolean.TRUE.equals(server.getAttribute(name, "Connected"))) {
        return true;
      }
    }
    return false;
  }

  private void deleteQuietly(String connector) {
    try {
      rest.delete(connector);
    } catch (RuntimeException e) {
      // not created
    }
  }

  /** The exception lines of a Connect trace: its first line and each "Caused by". */
  private static String causes(String trace) {
    if (trace == null) {
      return "(none)";
    }
    List<String> lines = new ArrayList<>();
    for (String line : trace.split("\n")) {
      if (lines.isEmpty() || line.startsWith("Caused by")) {
        lines.add(line);
      }
    }
    return String.join("\n", lines);
  }

  /** The sequence number of a single-domain GTID position {@code 0-1-N}. */
  private static long seq(String gtids) {
    Matcher m = GTID.matcher(gtids == null ? "" : gtids);
    assertThat(m.matches()).as("a GTID position of domain 0, server 1: %s", gtids).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static int id(Change c) {
    return parse(c.key()).path("id").asInt();
  }

  private static int version(Change c) {
    JsonNode after = parse(c.after());
    return after == null ? -1 : after.path("v").asInt(-1);
  }

  // ---------------------------------------------------------------- the live writes

  /** One committed transaction: its GTID, and each row it wrote with the version it wrote. */
  record Tx(int index, String gtid, long seq, Map<Integer, Integer> rows) {}

  /**
   * 50 transactions a second on the primary, each inserting a new row and updating two existing
   * ones ({@code v = v + 1}), from one connection, so it knows every row's version.
   */
  private static final class Writer implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final List<Tx> committed = new CopyOnWriteArrayList<>();
    private final Map<Integer, Integer> versions = new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Random random = new Random(42);
    private final Connection connection;
    private final String table;
    private final int rows;
    private int nextId = 1_000_000;

    private Writer(Connection connection, String table, int rows) {
      this.connection = connection;
      this.table = table;
      this.rows = rows;
    }

    static Writer start(MariaDbServer primary, String table, int rows) throws SQLException {
      Connection c = primary.connect();
      c.setAutoCommit(false);
      Writer w = new Writer(c, table, rows);
      w.executor.scheduleWithFixedDelay(w::transaction, 0, 20, TimeUnit.MILLISECONDS);
      return w;
    }

    private void transaction() {
      if (failure.get() != null) {
        return;
      }
      try (Statement s = connection.createStatement()) {
        Map<Integer, Integer> written = new TreeMap<>();
        int id = nextId++;
        s.executeUpdate("INSERT INTO " + table + " VALUES (" + id + ", 0, 'live')");
        written.put(id, 0);
        Set<Integer> updated = new TreeSet<>();
        while (updated.size() < 2) {
          updated.add(1 + random.nextInt(rows));
        }
        for (int k : updated) {
          s.executeUpdate("UPDATE " + table + " SET v = v + 1, note = 'updated' WHERE id = " + k);
          written.put(k, versions.getOrDefault(k, 0) + 1);
        }
        connection.commit();
        String gtid;
        try (ResultSet r = s.executeQuery("SELECT @@last_gtid")) {
          r.next();
          gtid = r.getString(1);
        }
        versions.putAll(written);
        committed.add(new Tx(committed.size(), gtid, seq(gtid), Map.copyOf(written)));
      } catch (Throwable e) {
        failure.set(e);
      }
    }

    int committed() {
      return committed.size();
    }

    List<Tx> transactions() {
      return List.copyOf(committed);
    }

    @Override
    public void close() throws Exception {
      if (!executor.isShutdown()) {
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        connection.close();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("the live writes failed", failure.get());
      }
    }
  }
}
