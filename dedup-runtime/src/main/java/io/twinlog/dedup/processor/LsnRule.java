package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.serde.StateValues.WalMark;
import io.twinlog.dedup.serde.WalPosition;
import java.util.List;

/**
 * Deduplicates PostgreSQL changes (primary and streaming standbys, one Debezium connector and
 * logical slot each) by their WAL position, which physical replication keeps identical on every
 * replica and across a connector's restarts.
 *
 * <p>Identity: {@code (txId, lsn, content digest)}, the digest covering table, key, op, both images
 * and the commit time. The digest tells apart the rows of one COPY (they share one lsn) and a
 * failover's reused position. A change seen before is a duplicate, whichever source re-sent it and
 * however often: nothing here depends on where a source resumed.
 *
 * <p>Order: per key, row locks make WAL order commit order, so a new change that sits below the
 * key's last emitted change is one a source skipped while another delivered the key's later change
 * (or a failover's dead history): emitting it would overwrite newer state, so it is dead-lettered
 * with the reason. Within one timeline commit time and lsn agree per key; after a failover the
 * promoted standby reuses positions of the old primary's lost tail, and there the commit time
 * decides (the lsn breaks a tie within one millisecond), as the GTID rule does across server ids.
 *
 * <p>State: per identity one entry and per key one mark, in the {@code seen} window store at the
 * change's commit time (both expire with the window); per source and table its newest commit time.
 */
final class LsnRule {
  /** The change id's digest part: 72 bits, enough among the rows sharing one WAL record. */
  private static final int ID_DIGEST_CHARS = 12;

  private final DedupStores stores;
  private final AnomalySink anomalies;
  private final List<String> sources;
  private final long windowMs;

  LsnRule(DedupStores stores, AnomalySink anomalies, List<String> sources, long windowMs) {
    this.stores = stores;
    this.anomalies = anomalies;
    this.sources = List.copyOf(sources);
    this.windowMs = windowMs;
  }

  /** The id the sink sees, the same whichever replica's copy wins. */
  static String changeId(ChangeEvent e) {
    WalPosition w = e.wal();
    return "pg:"
        + w.txId()
        + ":"
        + w.lsn()
        + ":"
        + e.contentHash().substring(0, Math.min(ID_DIGEST_CHARS, e.contentHash().length()));
  }

  /**
   * @param newestCommit the newest {@code source.ts_ms} seen in this task, this change's included
   */
  Verdict decide(String source, String table, ChangeEvent e, long newestCommit) {
    WalPosition w = e.wal();
    String identity = table + "|" + w.txId() + "|" + w.lsn() + "|" + e.contentHash();
    long delivered = stores.newestDelivered(source, table);
    if (e.tsMs() > delivered) {
      stores.putNewestDelivered(source, table, e.tsMs());
    }
    if (stores.walChangeSeen(identity, e.tsMs())) {
      return Verdict.drop("duplicate");
    }
    if (e.tsMs() + windowMs <= newestCommit) {
      // Its entry, if it ever had one, has left the window store, and so may the key's mark: a
      // duplicate cannot be told from a change only this source holds. The window must exceed the
      // longest lag between sources (lag-beyond-window says when it did not).
      anomalies.report(
          source,
          AnomalyKind.BEYOND_WINDOW,
          "change "
              + changeId(e)
              + " committed at "
              + e.tsMs()
              + " arrived more than the window ("
              + windowMs
              + " ms) behind the newest commit seen, "
              + newestCommit
              + "; its twin from another source was forgotten, so it is dropped as delivered");
      return Verdict.drop("beyond-window");
    }
    String changeId = changeId(e);
    reportSkippers(source, table, e, changeId);
    // Tables without a primary key have no message key and no row locks ordering their rows:
    // concurrent transactions' rows interleave in the WAL, so there is no per-key order to keep.
    boolean keyed = !"null".equals(e.canonicalKey());
    String keyDigest = keyed ? EnvelopeParser.keyDigest(table, e.canonicalKey()) : null;
    WalMark last = keyed ? stores.lastWalOfKey(table, keyDigest, e.tsMs()) : null;
    if (last != null) {
      boolean older = e.tsMs() < last.tsMs() || (e.tsMs() == last.tsMs() && w.lsn() < last.lsn());
      boolean reused =
          e.tsMs() != last.tsMs() && (e.tsMs() < last.tsMs()) != (w.lsn() < last.lsn());
      if (reused) {
        anomalies.report(
            source,
            AnomalyKind.SOURCE_DIVERGED,
            "change "
                + changeId
                + " and the key's last emitted change (lsn "
                + last.lsn()
                + ", from "
                + last.source()
                + ") disagree on order by lsn and by commit time: the sources' histories diverged"
                + " at a failover (the promoted standby reuses the old primary's lost WAL"
                + " positions); commit time decides",
            List.of(changeId));
      }
      if (older) {
        String why =
            "change "
                + changeId
                + " (lsn "
                + w.lsn()
                + ", committed at "
                + e.tsMs()
                + ") arrived after a later change of its key (lsn "
                + last.lsn()
                + ", committed at "
                + last.tsMs()
                + ") had been emitted from "
                + last.source()
                + ": emitting it would overwrite newer state (a source skipped it and the only"
                + " one holding it was behind)";
        anomalies.report(source, AnomalyKind.KEY_ORDER_CONFLICT, why, List.of(changeId));
        // Remembered like an emitted change: another copy of it is a duplicate, not a second
        // dead letter. The key's mark stays on its newest change.
        stores.putWalChange(identity, e.tsMs());
        return Verdict.deadLetter(changeId, why);
      }
    }
    stores.putWalChange(identity, e.tsMs());
    if (keyed) {
      stores.putLastWalOfKey(table, keyDigest, new WalMark(w.lsn(), e.tsMs(), source));
    }
    return Verdict.emit(changeId);
  }

  /**
   * A change nobody delivered before, committed earlier than what another source already delivered
   * of this table-partition: that source read past it (each source's table topic is in commit
   * order), so it was re-seeded ahead, or it reads a replica that never had the change (a
   * failover's other history). Reported as it happens, whether or not a key conflict follows.
   */
  private void reportSkippers(String source, String table, ChangeEvent e, String changeId) {
    for (String other : sources) {
      if (other.equals(source)) {
        continue;
      }
      long newest = stores.newestDelivered(other, table);
      if (newest > e.tsMs()) {
        anomalies.report(
            other,
            AnomalyKind.SOURCE_SKIPPED,
            "delivered changes committed at "
                + newest
                + " without "
                + changeId
                + " (committed at "
                + e.tsMs()
                + "), which "
                + source
                + " delivered: it was re-seeded ahead, or its replica never had the change (a"
                + " failover)",
            List.of(changeId));
      }
    }
  }
}
