package io.twinlog.dedup.topology;

import static io.twinlog.dedup.fixtures.ChangeLog.insert;
import static io.twinlog.dedup.fixtures.ChangeLog.update;
import static io.twinlog.dedup.topology.DedupTopologyTest.HOUR;
import static io.twinlog.dedup.topology.DedupTopologyTest.ORDERS;
import static io.twinlog.dedup.topology.DedupTopologyTest.T0;
import static io.twinlog.dedup.topology.DedupTopologyTest.described;
import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.dedup.fixtures.Change;
import io.twinlog.dedup.fixtures.ChangeLog;
import io.twinlog.dedup.fixtures.DedupDriver;
import io.twinlog.dedup.fixtures.Describe;
import io.twinlog.dedup.fixtures.SourceSim;
import io.twinlog.dedup.processor.DedupStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Window expiry, dead letters, snapshots and the anomalies of invariant I5. */
class DedupEdgeCasesTest {
  @TempDir Path state;

  @Test
  void withoutGtidsStateExpiresWithTheWindowAndALateTwinIsCountedNotReplayed() {
    List<Change> changes =
        new ChangeLog(false).tx(T0, insert(ORDERS, 1, 0)).tx(T0, update(ORDERS, 1, 0, 1)).changes();
    // No record cache, so the store iterator shows what RocksDB holds, not what the cache still
    // has.
    try (DedupDriver d =
        new DedupDriver(2, HOUR, state, Map.of("statestore.cache.max.bytes", "0"))) {
      d.send(d.source(0).emit(changes, 0, 2));
      assertThat(seenEntries(d)).isEqualTo(2);

      d.advance(3 * HOUR); // stream time moves on with newer changes
      List<Change> later =
          new ChangeLog(false).tx(T0 + 3 * HOUR, insert("shop.other", 1, 0)).changes();
      d.send(d.source(0).emit(later, 0, 1));
      assertThat(seenEntries(d)).as("I4: the first two entries left with the window").isEqualTo(1);

      d.send(d.source(1).emit(changes, 0, 2)); // B lagged three hours behind a 1 h window
      assertThat(described(d.output(ORDERS))).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(
              d.metrics().count("anomalies_total", "source", "replica-b", "kind", "beyond-window"))
          .isEqualTo(2);
    }
  }

  /** The window runs on commit time: old binlogs read today are deduplicated like live ones. */
  @Test
  void withoutGtidsABacklogOlderThanTheWindowIsDeliveredOnce() {
    List<Change> changes =
        new ChangeLog(false)
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0 + 2 * HOUR, update(ORDERS, 1, 0, 1))
            .tx(T0 + 4 * HOUR, update(ORDERS, 1, 1, 0))
            .changes();
    try (DedupDriver d = new DedupDriver(2, HOUR, state)) {
      d.advance(30 * 24 * HOUR); // read a month after the commits
      for (int i = 0; i < changes.size(); i++) {
        d.send(d.source(0).emit(changes, i, i + 1));
        d.send(d.source(1).emit(changes, i, i + 1));
      }
      assertThat(described(d.output(ORDERS))).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(
              d.metrics().count("anomalies_total", "source", "replica-b", "kind", "beyond-window"))
          .isZero();
    }
  }

  @Test
  void withGtidsALagBeyondTheWindowStillDeduplicatesAndIsReported() {
    List<Change> changes =
        new ChangeLog(true)
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0 + 3 * HOUR, update(ORDERS, 1, 0, 1))
            .changes();
    try (DedupDriver d = new DedupDriver(2, HOUR, state)) {
      d.send(d.source(0).emit(changes, 0, 2));
      d.advance(3 * HOUR);
      d.send(d.source(1).emit(changes, 0, 2));
      assertThat(described(d.output(ORDERS))).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(
              d.metrics()
                  .count("anomalies_total", "source", "replica-b", "kind", "lag-beyond-window"))
          .isEqualTo(1);
      // The transcripts the GTID rule keeps (one small entry per change) live in the window store
      // and expire with it, by commit time: bounded by the window, not by the history.
      assertThat(seenEntries(d)).as("transcripts are window-store entries").isPositive();
    }
  }

  @Test
  void badRecordsGoToDeadLettersWithTheErrorAndProcessingContinues() {
    List<Change> changes = new ChangeLog(true).tx(T0, insert(ORDERS, 1, 0)).changes();
    try (DedupDriver d = new DedupDriver(2, HOUR, state)) {
      String topic = d.source(0).topic(ORDERS);
      d.send(topic, "{\"id\":1}", "not json at all");
      d.send(topic, "{\"id\":1}", "{\"before\":null,\"after\":{\"id\":1}}");
      d.send(topic, "{\"id\":1}", "{\"op\":\"x\",\"source\":{\"ts_ms\":1}}");
      d.send(topic, "{\"id\":1}", "{\"op\":\"c\",\"after\":{}}");
      d.send(
          topic,
          "{\"id\":1}",
          "{\"op\":\"c\",\"source\":{\"ts_ms\":1,\"gtid\":\"bogus\",\"file\":\"f.1\",\"pos\":4}}");
      d.send(
          topic, "{broken", "{\"op\":\"c\",\"source\":{\"ts_ms\":1,\"file\":\"f.1\",\"pos\":4}}");
      d.send(d.source(0).emit(changes, 0, 1));

      List<TestRecord<String, String>> dead = d.deadLetters();
      assertThat(dead).hasSize(6);
      assertThat(dead.stream().map(r -> DedupDriver.header(r, ChangeHeaders.ERROR_MESSAGE)))
          .containsExactly(
              "value is not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
              "payload.op is missing, not c/u/d/r",
              "payload.op is 'x', not c/u/d/r",
              "payload.source is missing",
              "source.gtid 'bogus' is neither d-s-n nor uuid:n",
              "key is not JSON: Unexpected character ('b' (code 98)): was expecting double-quote to start field name");
      assertThat(dead)
          .allSatisfy(
              r -> {
                assertThat(DedupDriver.header(r, ChangeHeaders.ERROR_TOPIC)).isEqualTo(topic);
                assertThat(DedupDriver.header(r, ChangeHeaders.ERROR_CLASS))
                    .isEqualTo("io.twinlog.dedup.serde.BadRecordException");
              });
      assertThat(dead.get(0).value()).isEqualTo("not json at all");
      assertThat(described(d.output(ORDERS))).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(d.metrics().count("dead_lettered_total", "topic", topic)).isEqualTo(6);
    }
  }

  @Test
  void oneSnapshotPerRowAndNothingOlderAfterIt() {
    long snapshotAt = T0 + 10_000;
    List<Change> snapshot =
        new ChangeLog(true)
            .snapshot(snapshotAt, ORDERS, 1, 1)
            .snapshot(snapshotAt, ORDERS, 2, 0)
            .changes();
    List<Change> streamed =
        new ChangeLog(true)
            .tx(T0, update(ORDERS, 1, 0, 1)) // committed before the snapshot: already in it
            .tx(snapshotAt + 1000, update(ORDERS, 1, 1, 2))
            .changes();
    try (DedupDriver d = new DedupDriver(2, HOUR, state)) {
      d.send(d.source(0).emit(snapshot, 0, 2));
      d.send(d.source(0).emit(snapshot, 0, 2)); // A restarts its snapshot from scratch
      d.send(d.source(1).emit(snapshot, 0, 1)); // B snapshots too, as every replica does
      d.send(d.source(1).emit(streamed, 0, 2));
      d.send(d.source(0).emit(streamed, 1, 2));

      assertThat(described(d.output(ORDERS)))
          .containsExactly(
              Describe.change(snapshot.get(0)),
              Describe.change(snapshot.get(1)),
              Describe.change(streamed.get(1)));
      // B's snapshot row is counted, not an anomaly: B stays healthy.
      assertThat(
              d.metrics()
                  .count("duplicates_dropped_total", "table", ORDERS, "reason", "second-snapshot"))
          .isEqualTo(1);
      assertThat(
              d.metrics()
                  .count("anomalies_total", "source", "replica-b", "kind", "second-snapshot"))
          .isZero();
      assertThat(
              d.metrics()
                  .count("anomalies_total", "source", "replica-b", "kind", "older-than-snapshot"))
          .isEqualTo(1);
    }
  }

  @Test
  void aSourceThatSkipsAnEmittedChangeIsReported() {
    List<Change> changes =
        new ChangeLog(true)
            .tx(T0, insert(ORDERS, 1, 0))
            .tx(T0, update(ORDERS, 1, 0, 1))
            .tx(T0, update(ORDERS, 1, 1, 2))
            .changes();
    try (DedupDriver d = new DedupDriver(2, HOUR, state)) {
      d.send(d.source(0).emit(changes, 0, 2));
      d.send(d.source(1).emit(changes, 0, 1));
      d.send(d.source(1).emit(changes, 2, 3)); // B resumed past change 2 it never sent
      assertThat(described(d.output(ORDERS))).containsExactlyElementsOf(Describe.changes(changes));
      assertThat(
              d.metrics().count("anomalies_total", "source", "replica-b", "kind", "source-skipped"))
          .isEqualTo(1);
      // The operator reads the same anomaly from the anomaly topic, in the contract's format.
      List<TestRecord<String, String>> anomalies = d.anomalies();
      assertThat(anomalies).hasSize(1);
      assertThat(anomalies.get(0).key()).isEqualTo("replica-b|source-skipped");
      assertThat(anomalies.get(0).value())
          .startsWith("{\"source\":\"replica-b\",\"kind\":\"source-skipped\",\"message\":")
          .contains("\"gtids\":[\"0-1-101\",\"0-1-102\",\"0-1-103\"]");
    }
  }

  @Test
  void aSourceWhoseBinlogPositionWentBackStillDeliversANewGtid() {
    List<Change> changes =
        new ChangeLog(true).tx(T0, insert(ORDERS, 1, 0)).tx(T0, update(ORDERS, 1, 0, 1)).changes();
    try (DedupDriver d = new DedupDriver(2, HOUR, state)) {
      SourceSim a = d.source(0);
      d.send(a.emit(changes, 1, 2));
      // A's replica was rebuilt: a new change (GTID 0-1-103) read at A's lowest binlog position
      Change fresh =
          new Change(
              "0-1-103", 1, ORDERS, 1, 'u', "{\"id\":1,\"flag\":1}", "{\"id\":1,\"flag\":2}", T0);
      d.send(a.topic(ORDERS), fresh.key(), a.value(fresh, 0, 1));
      // GTIDs, not binlog positions, decide: the new GTID is delivered.
      assertThat(described(d.output(ORDERS))).hasSize(2);
    }
  }

  private static long seenEntries(DedupDriver d) {
    WindowStore<String, byte[]> store = d.driver().getWindowStore(DedupStores.SEEN);
    long n = 0;
    try (KeyValueIterator<Windowed<String>, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Windowed<String>, byte[]> ignored = it.next();
        n++;
      }
    }
    return n;
  }
}
