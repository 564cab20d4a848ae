package io.twinlog.dedup.processor;

import static io.twinlog.dedup.fixtures.ChangeLog.delete;
import static io.twinlog.dedup.fixtures.ChangeLog.insert;
import static io.twinlog.dedup.fixtures.ChangeLog.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.dedup.fixtures.Change;
import io.twinlog.dedup.fixtures.ChangeLog;
import io.twinlog.dedup.fixtures.DedupDriver;
import io.twinlog.dedup.fixtures.Describe;
import io.twinlog.dedup.fixtures.SourceSim;
import io.twinlog.dedup.serde.BadRecordException;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.serde.WalPosition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly positioned sources through the production topology, the failure patterns one at a time:
 * PostgreSQL (primary and streaming standbys, one connector each) by WAL position, and MariaDB
 * replicas whose connectors run Twinlog's transform by GTID and place in the transaction.
 */
class PositionRuleTest {
  static final String ORDERS = "shop.orders";
  static final long T0 = 1_767_225_600_000L;
  static final long HOUR = 3_600_000L;

  @TempDir Path state;

  static List<String> described(List<TestRecord<String, String>> records) {
    return records.stream()
        .filter(r -> r.value() != null)
        .map(r -> Describe.output(r.key(), r.value()))
        .toList();
  }

  static List<Change> fiveChanges() {
    return ChangeLog.postgres()
        .tx(T0, insert(ORDERS, 1, 0))
        .tx(T0 + 3, update(ORDERS, 1, 0, 1))
        .tx(T0 + 1000, insert(ORDERS, 2, 5), update(ORDERS, 1, 1, 2))
        .tx(T0 + 2000, update(ORDERS, 2, 5, 6))
        .changes();
  }

  private static double anomalies(DedupDriver d, String source, String kind) {
    return d.metrics().count("anomalies_total", "source", source, "kind", kind);
  }

  @Test
  void theParserReadsTheWalPositionOfAPostgresChangeOnly() throws BadRecordException {
    Change c = fiveChanges().get(2);
    String value = new SourceSim("cdc-a", 0).value(c, 2, 1);
    ChangeEvent e =
        new EnvelopeParser().parse(ORDERS, bytes(c.key()), value.getBytes(StandardCharsets.UTF_8));
    assertThat(e.exact()).isEqualTo(new WalPosition(c.lsn(), c.txId()));
    assertThat(e.position()).isNull();
    assertThat(e.gtid()).isNull();

    // An envelope without the connector's name is PostgreSQL's when it has an lsn.
    String unnamed = value.replace("\"connector\":\"postgresql\",", "");
    assertThat(unnamed).doesNotContain("connector");
    assertThat(new EnvelopeParser().parse(ORDERS, bytes(c.key()), bytes(unnamed)).exact())
        .isEqualTo(new WalPosition(c.lsn(), c.txId()));

    Change mariadb = new ChangeLog(true).tx(T0, insert(ORDERS, 1, 0)).changes().get(0);
    String binlog = new SourceSim("cdc-a", 0).value(mariadb, 0, 1);
    assertThat(new EnvelopeParser().parse(ORDERS, bytes(mariadb.key()), bytes(binlog)).exact())
        .isNull();
  }

  @Test
  void theCopyOfAChangeOnAnotherStandbyHasTheSameIdentity() throws BadRecordException {
    Change c = fiveChanges().get(1);
    ChangeEvent a = parse(new SourceSim("cdc-a", 0).value(c, 1, 1), c);
    // Another replica, restarted elsewhere: its sequence and total_order differ, the WAL does not.
    ChangeEvent b = parse(new SourceSim("cdc-b", 1, true).value(c, 7, 3), c);
    assertThat(PositionRule.changeId(b)).isEqualTo(PositionRule.changeId(a)).startsWith("pg:");
  }

  private static ChangeEvent parse(String value, Change c) throws BadRecordException {
    return new EnvelopeParser().parse(ORDERS, bytes(c.key()), bytes(value));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void twoStandbysOneAheadOneLaggingGiveEachChangeOnceInCommitOrder() {
    List<Change> changes = fiveChanges();
    List<String> ids;
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state.resolve("ab"))) {
      d.send(d.source(0).emit(changes, 0, 4));
      d.send(d.source(1).emit(changes, 0, 2));
      d.send(d.source(0).emit(changes, 4, 5));
      d.send(d.source(1).emit(changes, 2, 5));
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      ids = out.stream().map(DedupDriver::changeId).toList();
      assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.startsWith("pg:"));
      assertThat(
              d.metrics().count("duplicates_dropped_total", "table", ORDERS, "reason", "duplicate"))
          .isEqualTo(changes.size());
      assertThat(d.deadLetters()).isEmpty();
    }
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state.resolve("ba"))) {
      d.send(d.source(1).emit(changes, 0, 5)); // the other standby wins every change now
      d.send(d.source(0).emit(changes, 0, 5));
      assertThat(d.output(ORDERS).stream().map(DedupDriver::changeId).toList())
          .as("the change id does not depend on which standby's copy went out")
          .containsExactlyElementsOf(ids);
    }
  }

  /** Every interleaving of two and three standbys' streams that keeps each one's own order. */
  @Test
  void everyInterleavingOfTwoAndThreeStandbysGivesThePrimarySequence() {
    int tables = 0;
    try (DedupDriver d = new DedupDriver(3, 48 * HOUR, state)) {
      for (int sources = 2; sources <= 3; sources++) {
        int perSource = sources == 2 ? 3 : 2;
        for (List<Integer> order : interleavings(sources, perSource)) {
          String t = "shop.t" + tables++;
          List<Change> changes =
              ChangeLog.postgres()
                  .copy(T0, insert(t, 1, 0), insert(t, 2, 0))
                  .tx(T0, update(t, 1, 0, 1))
                  .changes()
                  .subList(0, perSource);
          int[] next = new int[sources];
          for (int source : order) {
            d.send(d.source(source).emit(changes, next[source], next[source] + 1));
            next[source]++;
          }
          assertThat(described(d.output(t)))
              .as("interleaving %s", order)
              .containsExactlyElementsOf(Describe.changes(changes));
        }
      }
      assertThat(tables).isEqualTo(20 + 90);
      assertThat(d.deadLetters()).isEmpty();
    }
  }

  private static List<List<Integer>> interleavings(int sources, int perSource) {
    List<List<Integer>> result = new ArrayList<>();
    interleave(new int[sources], perSource, new ArrayList<>(), result);
    return result;
  }

  private static void interleave(
      int[] used, int perSource, List<Integer> prefix, List<List<Integer>> out) {
    if (prefix.size() == used.length * perSource) {
      out.add(List.copyOf(prefix));
      return;
    }
    for (int s = 0; s < used.length; s++) {
      if (used[s] < perSource) {
        used[s]++;
        prefix.add(s);
        interleave(used, perSource, prefix, out);
        prefix.remove(prefix.size() - 1);
        used[s]--;
      }
    }
  }

  @Test
  void aReplayFromAnOlderOffsetAndAResumeInsideATransactionRepeatNothing() {
    List<ChangeLog.Row> rows = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      rows.add(insert(ORDERS, i, 0));
    }
    List<Change> changes =
        ChangeLog.postgres()
            .tx(T0, insert(ORDERS, 100, 0))
            .tx(T0 + 1000, rows)
            .tx(T0 + 2000, update(ORDERS, 100, 0, 1), update(ORDERS, 7, 0, 1))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(a.emit(changes, 0, 31)); // A crashes inside the 50-row transaction ...
      d.send(a.emit(changes, 12, 40)); // ... re-sends from an older offset, numbered from 1 again
      d.send(b.emit(changes, 0, 20)); // B lags, restarts gracefully at 20 (no re-send)
      d.send(b.emit(changes, 20, changes.size()));
      d.send(a.emit(changes, 40, changes.size()));
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(out.stream().map(DedupDriver::changeId)).doesNotHaveDuplicates();
      assertThat(d.deadLetters()).isEmpty();
    }
  }

  @Test
  void theRowsOfOneCopyShareAnLsnAndAreAllKept() {
    List<Change> changes =
        ChangeLog.postgres()
            .copy(T0, insert(ORDERS, 1, 0), insert(ORDERS, 2, 0), insert(ORDERS, 3, 0))
            .tx(T0 + 5, update(ORDERS, 2, 0, 1))
            .changes();
    assertThat(changes.subList(0, 3).stream().map(Change::lsn).distinct()).hasSize(1);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      d.send(d.source(1).emit(changes, 0, 2));
      d.send(d.source(0).emit(changes, 0, changes.size()));
      d.send(d.source(1).emit(changes, 0, changes.size())); // re-sends the COPY's first rows
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(out.stream().map(DedupDriver::changeId)).doesNotHaveDuplicates();
    }
  }

  /** I3: the same row set to the same value twice, in two transactions: two changes. */
  @Test
  void identicalButDistinctChangesAreBothDelivered() {
    List<Change> changes =
        ChangeLog.postgres()
            .tx(T0, update(ORDERS, 7, 0, 1))
            .tx(T0, update(ORDERS, 7, 1, 0))
            .tx(T0, update(ORDERS, 7, 0, 1))
            .tx(T0, update(ORDERS, 7, 1, 0))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      d.send(d.source(0).emit(changes, 0, 2));
      d.send(d.source(1).emit(changes, 0, 4));
      d.send(d.source(0).emit(changes, 2, 4));
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(out.stream().map(DedupDriver::changeId).distinct()).hasSize(4);
    }
  }

  /**
   * B is re-seeded past a transaction and delivers a later change of the same key; A, behind, then
   * delivers the skipped one: emitting it would put the key back in time, so it is dead-lettered
   * with the reason, once (A's replay of it is a duplicate), and the skipped transaction's change
   * of a key nothing later touched is emitted.
   */
  @Test
  void aChangeBelowItsKeysLastEmittedChangeIsDeadLetteredOnce() {
    List<Change> changes =
        ChangeLog.postgres()
            .tx(T0, insert(ORDERS, 1, 0), insert(ORDERS, 2, 0))
            .tx(T0 + 1000, update(ORDERS, 1, 0, 1), update(ORDERS, 2, 0, 1))
            .tx(T0 + 2000, update(ORDERS, 1, 1, 2))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(b.emit(changes, 0, 2));
      d.send(b.emit(changes, 4, 5)); // re-seeded to the third transaction
      d.send(a.emit(changes, 0, 5));
      d.send(a.emit(changes, 2, 5)); // a crash: A re-sends the second and third transactions
      List<String> out = described(d.output(ORDERS));
      assertThat(out)
          .containsExactly(
              Describe.change(changes.get(0)),
              Describe.change(changes.get(1)),
              Describe.change(changes.get(4)),
              Describe.change(changes.get(3)));
      List<TestRecord<String, String>> dead = d.deadLetters();
      assertThat(described(dead)).containsExactly(Describe.change(changes.get(2)));
      assertThat(DedupDriver.header(dead.get(0), ChangeHeaders.ERROR_CLASS))
          .isEqualTo("io.twinlog.dedup.KeyOrderConflict");
      assertThat(DedupDriver.header(dead.get(0), ChangeHeaders.ERROR_MESSAGE))
          .contains("lsn " + changes.get(2).lsn())
          .contains("lsn " + changes.get(4).lsn())
          .contains("replica-b");
      assertThat(anomalies(d, "replica-a", "key-order-conflict")).isEqualTo(1);
      assertThat(anomalies(d, "replica-b", "source-skipped")).isPositive();
      assertThat(anomalies(d, "replica-a", "source-skipped")).isZero();
    }
  }

  /**
   * Once B is found to have skipped (A delivers a change committed before what B delivered), B's
   * next changes wait until A has passed them: B's update of key 2 would otherwise go out before
   * the skipped update of key 2 that A is about to deliver, and that one would be dead-lettered.
   */
  @Test
  void aSourceFoundSkippingWaitsUntilAnotherPassesItSoFewerChangesAreDeadLettered() {
    List<Change> changes =
        ChangeLog.postgres()
            .tx(T0, insert(ORDERS, 1, 0), insert(ORDERS, 2, 0))
            .tx(T0 + 1000, update(ORDERS, 1, 0, 1), update(ORDERS, 2, 0, 1))
            .tx(T0 + 2000, update(ORDERS, 1, 1, 2))
            .tx(T0 + 3000, update(ORDERS, 2, 1, 2))
            .tx(T0 + 4000, update(ORDERS, 1, 2, 3))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(b.emit(changes, 0, 2));
      d.send(b.emit(changes, 4, 5)); // re-seeded past the second transaction
      d.send(a.emit(changes, 0, 3)); // A delivers the skipped update of key 1: a dead letter
      d.send(b.emit(changes, 5, 6)); // B's update of key 2 waits
      assertThat(d.metrics().count("duplicates_dropped_total", "table", ORDERS, "reason", "held"))
          .isEqualTo(1);
      d.send(a.emit(changes, 3, 7)); // A passes the skipped update of key 2, and B's
      d.send(b.emit(changes, 6, 7)); // B is not held any more: A caught up with it
      assertThat(described(d.output(ORDERS)))
          .containsExactly(
              Describe.change(changes.get(0)),
              Describe.change(changes.get(1)),
              Describe.change(changes.get(4)),
              Describe.change(changes.get(3)),
              Describe.change(changes.get(5)),
              Describe.change(changes.get(6)));
      assertThat(described(d.deadLetters())).containsExactly(Describe.change(changes.get(2)));
      assertThat(d.metrics().count("duplicates_dropped_total", "table", ORDERS, "reason", "held"))
          .isEqualTo(1);
    }
  }

  /** With no other source to pass it, a held source's changes go out after the align hold. */
  @Test
  void aHeldSourceIsDecidedAloneAfterTheAlignHold() {
    List<Change> changes =
        ChangeLog.postgres()
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0 + 1000, update(ORDERS, 1, 0, 1))
            .tx(T0 + 2000, insert(ORDERS, 2, 0))
            .tx(T0 + 3000, update(ORDERS, 2, 0, 1))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      d.send(d.source(1).emit(changes, 0, 1));
      d.send(d.source(1).emit(changes, 2, 3)); // re-seeded past the update of key 1
      d.send(d.source(0).emit(changes, 0, 2)); // A delivers it, then dies
      d.send(d.source(1).emit(changes, 3, 4)); // held: nothing passes it any more
      assertThat(described(d.output(ORDERS))).hasSize(3);
      d.advanceWallClock(d.alignHoldMs() + 1_000);
      assertThat(described(d.output(ORDERS))).containsExactly(Describe.change(changes.get(3)));
      d.send(d.source(1).emit(changes, 3, 4)); // a re-send after the hold: a duplicate
      assertThat(d.output(ORDERS)).isEmpty();
      assertThat(d.deadLetters()).isEmpty();
    }
  }

  @Test
  void aPostgresChangeWithoutItsWalPositionIsADeadLetter() {
    Change c = fiveChanges().get(0);
    String value = new SourceSim("cdc-a", 0).value(c, 0, 1);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      String topic = d.source(0).topic(ORDERS);
      d.send(topic, c.key(), value.replace("\"lsn\":" + c.lsn(), "\"lsn\":null"));
      d.send(topic, c.key(), value.replace(",\"txId\":" + c.txId(), ""));
      d.send(topic, c.key(), value.replace("\"lsn\":" + c.lsn(), "\"lsn\":\"0/16B374D48\""));
      List<TestRecord<String, String>> dead = d.deadLetters();
      assertThat(dead)
          .allSatisfy(
              r ->
                  assertThat(DedupDriver.header(r, ChangeHeaders.ERROR_CLASS))
                      .isEqualTo(BadRecordException.class.getName()));
      assertThat(dead.stream().map(r -> DedupDriver.header(r, ChangeHeaders.ERROR_MESSAGE)))
          .containsExactly(
              "payload.source.lsn is missing (a PostgreSQL change needs its WAL position)",
              "payload.source.txId is missing (a PostgreSQL change needs its WAL position)",
              "payload.source.lsn is \"0/16B374D48\", not a 64-bit integer");
      assertThat(d.output(ORDERS)).isEmpty();
      // The same change whole is still a change.
      d.send(topic, c.key(), value);
      assertThat(described(d.output(ORDERS))).containsExactly(Describe.change(c));
    }
  }

  @Test
  void stateExpiresWithTheWindowAndALateCopyIsDroppedAsBeyondIt() {
    List<Change> changes =
        ChangeLog.postgres()
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0 + 1, update(ORDERS, 1, 0, 1))
            .tx(T0 + 3 * HOUR, insert("shop.other", 1, 0))
            .changes();
    try (DedupDriver d =
        new DedupDriver(2, HOUR, state, Map.of("statestore.cache.max.bytes", "0"))) {
      d.send(d.source(0).emit(changes, 0, 2));
      // Per change its identity, per key its mark.
      assertThat(walEntries(d)).isEqualTo(2 + 2);
      d.send(d.source(0).emit(changes, 2, 3));
      assertThat(walEntries(d)).as("the first ones left with the window").isEqualTo(2);
      d.send(d.source(1).emit(changes, 0, 3)); // B lagged three hours behind a 1 h window
      assertThat(described(d.output(ORDERS)))
          .containsExactlyElementsOf(Describe.changes(changes.subList(0, 2)));
      assertThat(d.deadLetters()).isEmpty();
      assertThat(anomalies(d, "replica-b", "beyond-window")).isEqualTo(2);
      assertThat(
              d.metrics()
                  .count("duplicates_dropped_total", "table", ORDERS, "reason", "beyond-window"))
          .isEqualTo(2);
    }
  }

  private static long walEntries(DedupDriver d) {
    WindowStore<String, byte[]> store = d.driver().getWindowStore(DedupStores.SEEN);
    long n = 0;
    try (KeyValueIterator<Windowed<String>, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Windowed<String>, byte[]> entry = it.next();
        n += entry.key.key().startsWith("w") ? 1 : 0;
      }
    }
    return n;
  }

  /**
   * A failover: the old primary's last transaction reached only replica B's connector; the promoted
   * standby writes new WAL at the same positions, with the same transaction ids, a moment later.
   * Its changes are later by commit time, so they are emitted though their lsn is below the tail's;
   * B, still on the old primary and behind, delivers the tail of a key the new primary changed
   * after: dead-lettered, never emitted over the newer state.
   */
  @Test
  void afterAFailoverTheNewPrimarysReusedPositionsAreOrderedByCommitTime() {
    ChangeLog common = ChangeLog.postgres().tx(T0, insert(ORDERS, 1, 0), insert(ORDERS, 2, 0));
    long lsn = common.nextLsn();
    long txId = common.nextTxId();
    List<Change> shared = common.changes();
    List<Change> tail =
        ChangeLog.postgres()
            .walAt(lsn, txId)
            .tx(T0 + 1000, insert(ORDERS, 3, 0), update(ORDERS, 1, 0, 1))
            .tx(T0 + 1000, update(ORDERS, 2, 0, 1))
            .changes();
    List<Change> promoted =
        ChangeLog.postgres()
            .walAt(lsn, txId)
            .tx(T0 + 9000, update(ORDERS, 1, 0, 5))
            .tx(T0 + 9000, update(ORDERS, 2, 0, 5))
            .changes();
    assertThat(promoted.get(0).lsn()).isLessThan(tail.get(1).lsn());
    assertThat(promoted.get(1).lsn()).isEqualTo(tail.get(1).lsn());
    List<Change> oldTimeline = new ArrayList<>(shared);
    oldTimeline.addAll(tail);
    List<Change> newTimeline = new ArrayList<>(shared);
    newTimeline.addAll(promoted);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim a = d.source(0); // on the promoted standby
      SourceSim b = d.source(1); // still on the old primary
      d.send(b.emit(oldTimeline, 0, 4)); // the tail's first transaction
      d.send(a.emit(newTimeline, 0, newTimeline.size()));
      d.send(b.emit(oldTimeline, 4, oldTimeline.size())); // the tail's second, late
      assertThat(described(d.output(ORDERS)))
          .containsExactly(
              Describe.change(shared.get(0)),
              Describe.change(shared.get(1)),
              Describe.change(tail.get(0)),
              Describe.change(tail.get(1)),
              Describe.change(promoted.get(0)),
              Describe.change(promoted.get(1)));
      assertThat(described(d.deadLetters())).containsExactly(Describe.change(tail.get(2)));
      assertThat(anomalies(d, "replica-a", "source-diverged")).isPositive();
      assertThat(anomalies(d, "replica-b", "key-order-conflict")).isEqualTo(1);
    }
  }

  /**
   * The promoted standby's first change sits at the very position, in the very transaction id, of
   * the old primary's lost change of the same row, even in the same millisecond (clocks of two
   * servers): the content tells them apart, so the new primary's change is not taken for a copy of
   * the tail's (found by the model, seed 89, with an identity of position and key alone).
   */
  @Test
  void aReusedPositionWithOtherContentIsAnotherChange() {
    ChangeLog common = ChangeLog.postgres().tx(T0, insert(ORDERS, 1, 0));
    List<Change> shared = common.changes();
    List<Change> tail =
        ChangeLog.postgres()
            .walAt(common.nextLsn(), common.nextTxId())
            .tx(T0 + 1000, update(ORDERS, 1, 0, 1))
            .changes();
    List<Change> promoted =
        ChangeLog.postgres()
            .walAt(common.nextLsn(), common.nextTxId())
            .tx(T0 + 1000, update(ORDERS, 1, 0, 7))
            .changes();
    assertThat(promoted.get(0).lsn()).isEqualTo(tail.get(0).lsn());
    assertThat(promoted.get(0).txId()).isEqualTo(tail.get(0).txId());
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      d.send(d.source(1).emit(List.of(shared.get(0), tail.get(0)), 0, 2)); // on the old primary
      d.send(d.source(0).emit(List.of(shared.get(0), promoted.get(0)), 0, 2));
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out))
          .containsExactly(
              Describe.change(shared.get(0)),
              Describe.change(tail.get(0)),
              Describe.change(promoted.get(0)));
      assertThat(out.stream().map(DedupDriver::changeId)).doesNotHaveDuplicates();
      assertThat(d.deadLetters()).isEmpty();
    }
  }

  /**
   * A table without a primary key: no message key, no row locks ordering its rows, so concurrent
   * transactions' rows interleave in the WAL (decoded in commit order). Nothing is dead-lettered.
   */
  @Test
  void rowsOfAKeylessTableAreNotOrderedByLsn() {
    List<Change> changes =
        ChangeLog.postgres()
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0, insert(ORDERS, 2, 0))
            .tx(T0, delete(ORDERS, 1, 0))
            .changes();
    // The second transaction wrote first and committed last.
    List<Change> decoded =
        List.of(
            changes.get(0),
            changes.get(2),
            changes.get(1).withWal(changes.get(0).lsn() - 32, changes.get(1).txId()));
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      for (int s = 0; s < 2; s++) {
        SourceSim sim = d.source(s);
        for (int i = 0; i < decoded.size(); i++) {
          Change c = decoded.get(i);
          d.send(sim.topic(ORDERS), null, sim.value(c, i, 1));
        }
      }
      assertThat(d.output(ORDERS).stream().filter(r -> r.value() != null)).hasSize(3);
      assertThat(d.deadLetters()).isEmpty();
    }
  }

  /**
   * Every replica's connector snapshots on its own: a row inserted after standby A's snapshot point
   * and before standby B's reaches the runtime as A's streamed insert and as B's snapshot row. The
   * row goes out once; a snapshot row of a row the stream has not shown goes out.
   */
  @Test
  void aSnapshotRowOfARowAnotherStandbyAlreadyStreamedIsDropped() {
    List<Change> streamed = ChangeLog.postgres().tx(T0, insert(ORDERS, 7, 1)).changes();
    Change sameRow =
        new ChangeLog(false).snapshot(T0 + 500, ORDERS, 7, 1).changes().get(0).withWal(0, 0);
    Change otherRow =
        new ChangeLog(false).snapshot(T0 + 500, ORDERS, 8, 0).changes().get(0).withWal(0, 0);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state.resolve("snap"))) {
      d.send(d.source(0).emit(streamed, 0, 1));
      d.send(d.source(1).emit(List.of(sameRow, otherRow), 0, 2));
      d.send(d.source(1).emit(streamed, 0, 1));
      assertThat(described(d.output(ORDERS)))
          .as("row 7 once (streamed), row 8 from the snapshot")
          .containsExactlyElementsOf(Describe.changes(List.of(streamed.get(0), otherRow)));
      assertThat(
              d.metrics()
                  .count(
                      "duplicates_dropped_total",
                      "table",
                      ORDERS,
                      "reason",
                      "snapshot-of-streamed"))
          .isEqualTo(1);
      assertThat(d.deadLetters()).isEmpty();
    }
  }

  // MariaDB replicas whose connectors run Twinlog's transform.

  @Test
  void theParserReadsAMariaDbChangesPlaceFromTheTransformsHeaders() throws Exception {
    Change c =
        new ChangeLog(true).tx(T0, insert(ORDERS, 1, 0), insert(ORDERS, 2, 0)).changes().get(1);
    SourceSim positioned = new SourceSim("cdc-a", 0, false, true);
    String value = positioned.value(c, 1, 2);
    org.apache.kafka.common.header.internals.RecordHeaders headers =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    positioned.headers(c).forEach((k, v) -> headers.add(k, bytes(v)));
    ChangeEvent e = new EnvelopeParser().parse(ORDERS, bytes(c.key()), bytes(value), headers);
    assertThat(e.exact())
        .isEqualTo(new io.twinlog.dedup.serde.TxPosition(e.gtid(), 3, 2))
        .isInstanceOf(io.twinlog.dedup.serde.TxPosition.class);
    assertThat(PositionRule.changeId(e)).startsWith("gtid:" + c.gtid() + ":3.2:");

    // Without the transform the change goes to the GTID rule, as before it existed.
    assertThat(new EnvelopeParser().parse(ORDERS, bytes(c.key()), bytes(value), null).exact())
        .isNull();
    headers.remove(io.twinlog.contracts.SourceHeaders.TX_ROW);
    headers.add(io.twinlog.contracts.SourceHeaders.TX_ROW, bytes("two"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new EnvelopeParser().parse(ORDERS, bytes(c.key()), bytes(value), headers))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("twinlog.tx.row is 'two'");
  }

  /**
   * Issue 10's second situation: one transaction flips three rows (S1), fills, flips them back
   * (S2), fills, and flips them again (S3, S1's images once more). Replica A's connector restarts
   * gracefully inside the second filler (Debezium numbers the rest from 1 and re-sends nothing),
   * then crashes and resumes from an offset inside the first filler (re-sending S2 and S3), while
   * replica B lags behind all of it. Every change of the transaction reaches the output once, in
   * order, and nothing is dead-lettered: each copy carries its place in the transaction.
   */
  @Test
  void aMariaDbSourceResumingInsideATransactionWithRepeatedChangesLosesNothingWhileTheOtherLags() {
    List<ChangeLog.Row> rows = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      rows.add(insert(ORDERS, id, 0));
    }
    List<ChangeLog.Row> tx = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      tx.add(update(ORDERS, id, 0, 1));
    }
    for (int i = 0; i < 12; i++) {
      tx.add(insert(ORDERS, 100 + i, 0));
    }
    for (int id = 1; id <= 3; id++) {
      tx.add(update(ORDERS, id, 1, 0));
    }
    for (int i = 0; i < 12; i++) {
      tx.add(insert(ORDERS, 200 + i, 0));
    }
    for (int id = 1; id <= 3; id++) {
      tx.add(update(ORDERS, id, 0, 1));
    }
    List<Change> changes = new ChangeLog(true).tx(T0, rows).tx(T0 + 1000, tx).changes();
    int start = 3; // the large transaction's first change
    int end = changes.size();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state, Map.of(), true)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(a.emit(changes, 0, start + 3 + 12 + 3 + 4)); // into the second filler
      d.send(a.emit(changes, start + 3 + 12 + 3 + 4, end)); // graceful: renumbered, no re-send
      d.send(a.emit(changes, start + 3 + 5, end)); // crash: back inside the first filler
      d.send(b.emit(changes, 0, end)); // the lagging replica, whole
      assertThat(described(d.output(ORDERS))).isEqualTo(Describe.changes(changes));
      assertThat(d.deadLetters()).isEmpty();
      assertThat(anomalies(d, "replica-a", "resume-unaligned")).isZero();
    }
  }

  /**
   * A change only the lagging replica holds (the other was re-seeded past it), arriving after a
   * later change of its key was emitted, is dead-lettered with both positions, never emitted over
   * newer state; the re-seeded source is reported as having skipped.
   */
  @Test
  void aMariaDbChangeBelowItsKeysLastEmittedChangeIsDeadLetteredWithBothPositions() {
    List<Change> changes =
        new ChangeLog(true)
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0, update(ORDERS, 1, 0, 1))
            .tx(T0 + 1000, update(ORDERS, 1, 1, 0))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state, Map.of(), true)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(b.emit(changes, 0, 1));
      d.send(b.emit(changes, 2, 3)); // re-seeded past the second transaction
      d.send(a.emit(changes, 0, 3)); // the lagging one
      assertThat(described(d.output(ORDERS)))
          .containsExactly(Describe.change(changes.get(0)), Describe.change(changes.get(2)));
      List<TestRecord<String, String>> dead = d.deadLetters();
      assertThat(described(dead)).containsExactly(Describe.change(changes.get(1)));
      assertThat(DedupDriver.header(dead.get(0), ChangeHeaders.ERROR_MESSAGE))
          .contains("gtid " + history(changes.get(1)) + " event 3 row 1")
          .contains("gtid " + history(changes.get(2)) + " event 3 row 1")
          .contains("replica-b");
      assertThat(anomalies(d, "replica-b", "source-skipped")).isPositive();
    }
  }

  /**
   * A failover to a replica that lacked the old primary's last transaction: the promoted one's
   * transaction reuses its sequence number under another server id. Both are delivered (each was
   * committed on its primary), the key ends at the promoted primary's state (committed later), and
   * the divergence is reported.
   */
  @Test
  void aMariaDbFailoverReusingASequenceNumberIsDeliveredAndReportedAsDiverged() {
    List<Change> before = new ChangeLog(true).tx(T0, insert(ORDERS, 1, 0)).changes();
    Change tail =
        new Change(
            "0-1-102", 1, ORDERS, 1, 'u', ChangeLog.image(1, 0), ChangeLog.image(1, 1), T0 + 1000);
    Change promoted =
        new Change(
            "0-2-102", 1, ORDERS, 1, 'u', ChangeLog.image(1, 0), ChangeLog.image(1, 5), T0 + 3000);
    List<Change> oldPrimary = List.of(before.get(0), tail);
    List<Change> newPrimary = List.of(before.get(0), promoted);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state, Map.of(), true)) {
      d.send(d.source(1).emit(oldPrimary, 0, 2)); // replica B read the old primary's tail
      d.send(d.source(0).emit(newPrimary, 0, 2)); // replica A, promoted
      assertThat(described(d.output(ORDERS)))
          .containsExactly(
              Describe.change(before.get(0)), Describe.change(tail), Describe.change(promoted));
      assertThat(d.deadLetters()).isEmpty();
      assertThat(anomalies(d, "replica-a", "source-diverged")).isPositive();
      assertThat(anomalies(d, "replica-b", "source-diverged"))
          .as("both histories are named")
          .isPositive();
    }
  }

  /**
   * Replicas that number a transaction's binlog events differently (one logs annotate events, the
   * other does not): the same place holds different changes in their copies. Nothing is lost; what
   * cannot be matched is delivered as a change of its own, and the disagreement is reported.
   */
  @Test
  void replicasThatNumberATransactionDifferentlyRepeatRatherThanLoseAndAreReported() {
    List<Change> changes =
        new ChangeLog(true)
            .tx(
                T0,
                insert(ORDERS, 1, 0),
                insert(ORDERS, 2, 0),
                insert(ORDERS, 3, 0),
                insert(ORDERS, 4, 0))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state, Map.of(), true)) {
      d.send(d.source(0).emit(changes, 0, 4));
      for (SourceSim.Out out : d.source(1).emit(changes, 0, 4)) {
        // Replica B's copy of each change one rows event further on: a different numbering.
        Map<String, String> shifted = new java.util.HashMap<>(out.headers());
        shifted.put(
            io.twinlog.contracts.SourceHeaders.TX_EVENT,
            Long.toString(
                Long.parseLong(out.headers().get(io.twinlog.contracts.SourceHeaders.TX_EVENT))
                    + 2));
        d.send(out.topic(), out.key(), out.value(), shifted);
      }
      List<String> out = described(d.output(ORDERS));
      assertThat(out).containsAll(Describe.changes(changes));
      assertThat(out).hasSizeGreaterThan(changes.size());
      assertThat(anomalies(d, "replica-b", "source-diverged")).isPositive();
    }
  }

  /**
   * An implausible GTID jump (an errant transaction far ahead, a server without gtid_strict_mode):
   * the sequence numbers of a domain go back in the sources' binlogs. What follows is delivered in
   * the binlogs' order, never dead-lettered for its number, and the jump is reported.
   */
  @Test
  void aGtidJumpAheadNeverCostsTheChangesThatFollowIt() {
    List<Change> changes = gtidJump();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state, Map.of(), true)) {
      d.send(d.source(0).emit(changes, 0, 4));
      d.send(d.source(1).emit(changes, 0, 4));
      assertThat(described(d.output(ORDERS))).isEqualTo(Describe.changes(changes));
      assertThat(d.deadLetters()).isEmpty();
      assertThat(anomalies(d, "replica-a", "gtid-not-monotonic")).isPositive();
    }
  }

  /**
   * After the jump, a source stands where its latest change is, not at the jumped position: a
   * change only the other source has delivered yet does not make it look as if it had skipped.
   */
  @Test
  void afterAGtidJumpASourceIsNotTakenForOneThatSkipped() {
    List<Change> changes = gtidJump();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state, Map.of(), true)) {
      d.send(d.source(0).emit(changes, 0, 3)); // A is behind B by one change
      d.send(d.source(1).emit(changes, 0, 4));
      assertThat(described(d.output(ORDERS))).isEqualTo(Describe.changes(changes));
      assertThat(anomalies(d, "replica-a", "source-skipped")).isZero();
    }
  }

  /** A key's four changes, the second under an implausible GTID far ahead of the others. */
  private static List<Change> gtidJump() {
    String a = ChangeLog.image(1, 0);
    String b = ChangeLog.image(1, 1);
    return List.of(
        new Change("0-1-101", 1, ORDERS, 1, 'c', "null", a, T0),
        new Change("0-1-99999", 1, ORDERS, 1, 'u', a, b, T0 + 1000),
        new Change("0-1-102", 1, ORDERS, 1, 'u', b, a, T0 + 2000),
        new Change("0-1-103", 1, ORDERS, 1, 'u', a, b, T0 + 3000));
  }

  private static String history(Change c) {
    return c.gtid();
  }
}
