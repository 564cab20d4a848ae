package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.serde.StateValues.PositionMark;
import io.twinlog.dedup.serde.StateValues.SnapshotEntry;

/**
 * Snapshot rows ({@code op=r}, no GTID): one snapshot of each row per window, and no change older
 * than that snapshot (by commit second, from another source) after it.
 */
final class SnapshotRule {
  private final DedupStores stores;
  private final AnomalySink anomalies;

  SnapshotRule(DedupStores stores, AnomalySink anomalies) {
    this.stores = stores;
    this.anomalies = anomalies;
  }

  Verdict decide(String source, String table, ChangeEvent e) {
    Verdict streamed = streamedFirst(table, e);
    if (streamed != null) {
      return streamed;
    }
    SnapshotEntry existing = stores.snapshot(table, e.contentHash(), e.tsMs());
    if (existing != null) {
      // Every replica's connector takes its own initial snapshot (the operator creates them all
      // with snapshot.mode=initial), so another source's snapshot of the key is what a correct
      // start looks like, not an anomaly: counted, and dropped. A change it missed or one older
      // than the snapshot is handled by the streamed rows (olderThanSnapshot, streamedFirst).
      return Verdict.drop(existing.source().equals(source) ? "snapshot" : "second-snapshot");
    }
    stores.putSnapshot(table, e.contentHash(), new SnapshotEntry(source, e.tsMs()));
    if (e.tsMs() > stores.snapshotHorizon(table)) {
      stores.putSnapshotHorizon(table, e.tsMs());
    }
    return Verdict.emit("snapshot/" + table + "/" + e.contentHash());
  }

  /**
   * Each replica's connector snapshots on its own (a PostgreSQL standby's when its slot exists,
   * which waits for the primary's next running-xacts record), so one may snapshot a row another
   * already streamed: a row inserted between their snapshot points arrives once as a streamed
   * change and once as a snapshot row. Dropped when the key's last emitted change shows the same
   * row, or is newer than the snapshot (which would set the row back); null otherwise. Only exactly
   * positioned streams ({@link PositionRule}) leave the key mark this reads.
   */
  private Verdict streamedFirst(String table, ChangeEvent e) {
    if ("null".equals(e.canonicalKey())) {
      return null;
    }
    PositionMark last =
        stores.lastExactOfKey(table, EnvelopeParser.keyDigest(table, e.canonicalKey()), e.tsMs());
    if (last == null || (last.afterImage() != e.afterImage() && last.tsMs() <= e.tsMs())) {
      return null;
    }
    // Counted (duplicates_dropped_total, reason snapshot-of-streamed), not an anomaly: nothing is
    // wrong with the source, and every replica snapshotting is what a pipeline does today.
    return Verdict.drop("snapshot-of-streamed");
  }

  /**
   * Turns an emit into a drop when another source already emitted a snapshot of this key taken in a
   * later second than the change's commit: the snapshot already contains the change.
   */
  Verdict olderThanSnapshot(String source, String table, ChangeEvent e, Verdict verdict) {
    if (!verdict.emit() || e.tsMs() >= stores.snapshotHorizon(table)) {
      return verdict;
    }
    SnapshotEntry snapshot =
        stores.snapshot(table, EnvelopeParser.keyDigest(table, e.canonicalKey()), e.tsMs());
    if (snapshot == null || snapshot.source().equals(source) || e.tsMs() >= snapshot.tsMs()) {
      return verdict;
    }
    anomalies.report(
        source,
        AnomalyKind.OLDER_THAN_SNAPSHOT,
        "change committed at "
            + e.tsMs()
            + " arrived after "
            + snapshot.source()
            + "'s snapshot of the same row taken at "
            + snapshot.tsMs()
            + "; dropped because the snapshot already contains it");
    return Verdict.drop("older-than-snapshot");
  }
}
