package io.twinlog.dedup.topology;

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
import io.twinlog.dedup.fixtures.SourceSim.Out;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The production topology under TopologyTestDriver: one scenario per failure pattern. */
class DedupTopologyTest {
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

  static List<Change> fiveChanges(boolean gtids) {
    return new ChangeLog(gtids)
        .tx(T0, insert(ORDERS, 1, 0))
        .tx(T0, update(ORDERS, 1, 0, 1))
        .tx(T0 + 1000, insert(ORDERS, 2, 5), update(ORDERS, 1, 1, 2))
        .tx(T0 + 2000, update(ORDERS, 2, 5, 6))
        .changes();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void duplicatesFromTwoSourcesAreEmittedOnceInCommitOrder(boolean gtids) {
    List<Change> changes = fiveChanges(gtids);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      d.send(d.source(0).emit(changes, 0, changes.size()));
      d.send(d.source(1).emit(changes, 0, changes.size()));

      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(out)
          .allSatisfy(
              r -> assertThat(DedupDriver.header(r, ChangeHeaders.SOURCE)).isEqualTo("replica-a"));
      assertThat(out.stream().map(DedupDriver::changeId).distinct()).hasSize(changes.size());
      assertThat(
              d.metrics()
                  .count("duplicates_dropped_total", "table", ORDERS, "reason", "other-source"))
          .isEqualTo(changes.size());
    }
  }

  @Test
  void threeSourcesAnyLeaderSameChangeIds() {
    List<Change> changes = fiveChanges(true);
    List<String> idsWhenALeads;
    try (DedupDriver d = new DedupDriver(3, 48 * HOUR, state.resolve("a"))) {
      for (int i = 0; i < 3; i++) {
        d.send(d.source(i).emit(changes, 0, changes.size()));
      }
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      idsWhenALeads = out.stream().map(DedupDriver::changeId).toList();
    }
    try (DedupDriver d = new DedupDriver(3, 48 * HOUR, state.resolve("c"))) {
      for (int i = 2; i >= 0; i--) {
        d.send(d.source(i).emit(changes, 0, 3));
      }
      for (int i = 0; i < 3; i++) {
        d.send(d.source(i).emit(changes, 3, changes.size()));
      }
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(out.stream().map(DedupDriver::changeId).toList())
          .as("the change id is the same whichever replica's copy wins")
          .containsExactlyElementsOf(idsWhenALeads);
      assertThat(DedupDriver.header(out.get(0), ChangeHeaders.SOURCE)).isEqualTo("replica-c");
      assertThat(DedupDriver.header(out.get(3), ChangeHeaders.SOURCE)).isEqualTo("replica-a");
    }
  }

  /** Every interleaving of the sources' streams that keeps each source's own order. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void everyInterleavingOfTwoAndThreeSourcesGivesThePrimarySequence(boolean gtids) {
    try (DedupDriver d = new DedupDriver(3, 48 * HOUR, state)) {
      int table = 0;
      for (int sources = 2; sources <= 3; sources++) {
        int perSource = sources == 2 ? 3 : 2;
        for (List<Integer> order : interleavings(sources, perSource)) {
          String t = "shop.t" + table++;
          List<Change> changes =
              new ChangeLog(gtids)
                  .tx(T0, insert(t, 1, 0), update(t, 1, 0, 1))
                  .tx(T0, update(t, 1, 1, 0))
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
      assertThat(table).isEqualTo(20 + 90);
    }
  }

  static List<List<Integer>> interleavings(int sources, int perSource) {
    List<List<Integer>> result = new ArrayList<>();
    collect(new int[sources], perSource, new ArrayList<>(), result);
    return result;
  }

  private static void collect(
      int[] used, int perSource, List<Integer> prefix, List<List<Integer>> out) {
    if (prefix.size() == used.length * perSource) {
      out.add(List.copyOf(prefix));
      return;
    }
    for (int s = 0; s < used.length; s++) {
      if (used[s] < perSource) {
        used[s]++;
        prefix.add(s);
        collect(used, perSource, prefix, out);
        prefix.remove(prefix.size() - 1);
        used[s]--;
      }
    }
  }

  @Test
  void oneSilentSourceChangesNothing() {
    List<Change> changes = fiveChanges(true);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      d.send(d.source(1).emit(changes, 0, changes.size()));
      assertThat(described(d.output(ORDERS))).containsExactlyElementsOf(Describe.changes(changes));
    }
  }

  /** I3: only source.gtid tells the 1st and 3rd flip apart; without GTIDs, the occurrence index. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void sameSecondFlipsAreAllDelivered(boolean gtids) {
    List<Change> changes =
        new ChangeLog(gtids)
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

  @Test
  void multiRowTransactionsIncludingTheSameKeyTwice() {
    List<Change> changes =
        new ChangeLog(true)
            .tx(
                T0,
                insert(ORDERS, 1, 0),
                insert(ORDERS, 2, 0),
                update(ORDERS, 1, 0, 1),
                update(ORDERS, 1, 1, 0),
                update(ORDERS, 1, 0, 1),
                insert("shop.items", 1, 0),
                delete(ORDERS, 2, 0))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      d.send(d.source(1).emit(changes, 0, 4));
      d.send(d.source(0).emit(changes, 0, changes.size()));
      d.send(d.source(1).emit(changes, 4, changes.size()));
      List<Change> orders = changes.stream().filter(c -> c.table().equals(ORDERS)).toList();
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(orders));
      assertThat(described(d.output("shop.items"))).hasSize(1);
      assertThat(out.get(out.size() - 1).value()).as("tombstone after the delete").isNull();
    }
  }

  /**
   * A source restarts inside a 1,000-row transaction from an older committed offset: it replays
   * part of it and numbers the rest from 1 (measured on Debezium 3.5). No duplicate, no loss.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void sourceResumingInsideALargeTransaction(boolean otherSourceSilent) {
    List<ChangeLog.Row> rows = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      rows.add(update(ORDERS, i, 0, 1));
    }
    List<Change> changes =
        new ChangeLog(true)
            .tx(T0, insert(ORDERS, 5000, 0))
            .tx(T0 + 1000, rows)
            .tx(T0 + 2000, update(ORDERS, 5000, 0, 1))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(b.emit(changes, 0, 401)); // B leads, then crashes after row 400
      if (!otherSourceSilent) {
        d.send(a.emit(changes, 0, 600)); // A catches up past B
      }
      List<Out> resumed = b.emit(changes, 301, changes.size()); // B resumes at row 301
      assertThat(resumed.get(0).value()).contains("\"total_order\":1,");
      d.send(resumed);
      if (!otherSourceSilent) {
        d.send(a.emit(changes, 600, changes.size()));
      }
      List<TestRecord<String, String>> out = d.output(ORDERS);
      assertThat(described(out)).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(out.stream().map(DedupDriver::changeId).distinct()).hasSize(changes.size());
      assertThat(
              d.metrics().count("anomalies_total", "source", "replica-b", "kind", "source-skipped"))
          .isZero();
    }
  }

  /**
   * A source that read a transaction from its boundary in one table and went on claims it complete
   * there; if another table shows it left the same transaction short (re-seeded inside it), the
   * claim says nothing about the changes it skipped. A held resume whose changes repeat the
   * transaction's earlier ones must then not be taken for re-sends (found by DedupModelTest, seeds
   * 414 and 420: the old rule believed the claim and lost them).
   */
  @Test
  void aClaimFromASourceThatLeftTheTransactionShortElsewhereDoesNotDropAHeldResume() {
    String items = "shop.items";
    List<Change> changes =
        new ChangeLog(true)
            .tx(T0, insert(ORDERS, 1, 0), insert(items, 1, 0))
            .tx(
                T0 + 1000,
                update(ORDERS, 1, 0, 1),
                update(ORDERS, 1, 1, 0),
                update(items, 1, 0, 1),
                update(items, 1, 1, 0),
                update(ORDERS, 1, 0, 1), // the same two changes again, later in the transaction
                update(ORDERS, 1, 1, 0))
            .tx(T0 + 2000, insert(ORDERS, 9, 0), insert(items, 9, 0))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(a.emit(changes, 0, 6)); // A reads up to the items changes, then restarts gracefully
      d.send(b.emit(changes, 0, 5)); // B reads up to the first items change ...
      d.send(b.emit(changes, 8, 10)); // ... and is re-seeded to the next transaction
      List<Out> resumed = a.emit(changes, 6, 10); // A goes on, numbering from 1 again
      assertThat(resumed.get(0).value()).contains("\"total_order\":1,");
      d.send(resumed);
      // Nothing else places A's resume: after the hold time it is decided alone, never lost.
      d.advanceWallClock(d.alignHoldMs() + 1_000);
      d.advanceWallClock(d.alignHoldMs() + 1_000);
      List<String> truth =
          Describe.changes(changes.stream().filter(c -> c.table().equals(ORDERS)).toList());
      assertThat(described(d.output(ORDERS))).containsExactlyInAnyOrderElementsOf(truth);
      assertThat(
              d.metrics().count("anomalies_total", "source", "replica-b", "kind", "source-skipped"))
          .isPositive();
      assertThat(
              d.metrics()
                  .count("anomalies_total", "source", "replica-a", "kind", "resume-unaligned"))
          .isPositive();
    }
  }

  @Test
  void deletesAreFollowedByOneTombstoneBeforeAnyLaterChangeOfTheKey() {
    List<Change> changes =
        new ChangeLog(true)
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0, delete(ORDERS, 1, 0))
            .tx(T0, insert(ORDERS, 1, 9))
            .changes();
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim a = d.source(0);
      SourceSim b = d.source(1);
      d.send(a.emit(changes, 0, 2)); // A: insert, delete, but its tombstone is late
      d.send(b.emit(changes, 0, 3)); // B: everything, re-insert included
      d.send(a.topic(ORDERS), changes.get(1).key(), null); // A's tombstone arrives now
      d.send(b.topic(ORDERS), changes.get(1).key(), null);
      List<String> seen =
          d.output(ORDERS).stream().map(r -> Describe.output(r.key(), r.value())).toList();
      assertThat(seen)
          .containsExactly(
              Describe.change(changes.get(0)),
              Describe.change(changes.get(1)),
              "tombstone|1",
              Describe.change(changes.get(2)));
    }
  }

  @Test
  void schemaWrappedAndBareEnvelopesAreTheSameChange() {
    List<Change> changes = fiveChanges(true);
    try (DedupDriver d = new DedupDriver(2, 48 * HOUR, state)) {
      SourceSim wrapped = new SourceSim(d.source(0).prefix(), 0, true);
      d.send(wrapped.emit(changes, 0, 3));
      d.send(d.source(1).emit(changes, 0, changes.size()));
      assertThat(described(d.output(ORDERS))).containsExactlyElementsOf(Describe.changes(changes));
    }
  }
}
