package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.processor.DedupStores.WalLane;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.serde.StateValues.WalMark;
import io.twinlog.dedup.serde.WalPosition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.api.Record;

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
 * <p>A source found to have skipped (another source delivers a change committed before what it
 * already delivered) is held in that table-partition: its records wait, in order, until another
 * source that is not held has delivered something committed after them (so the skipped changes it
 * holds are decided first, and nothing the held source sends later blocks them), or until the hold
 * time passes (then they are decided as they come).
 *
 * <p>State: per identity one entry and per key one mark, in the {@code seen} window store at the
 * change's commit time (both expire with the window); per source and table its newest commit time;
 * while a lane is held, its records.
 */
final class LsnRule {
  /** The change id's digest part: 72 bits, enough among the rows sharing one WAL record. */
  private static final int ID_DIGEST_CHARS = 12;

  private final DedupStores stores;
  private final AnomalySink anomalies;
  private final List<String> sources;
  private final long windowMs;
  private final long alignHoldMs;
  private final LongSupplier clock;

  /**
   * The held lanes, "source|table" (a copy of the store's, read once: few, and on every record).
   */
  private final Set<String> held = new HashSet<>();

  LsnRule(
      DedupStores stores,
      AnomalySink anomalies,
      List<String> sources,
      long windowMs,
      long alignHoldMs,
      LongSupplier clock) {
    this.stores = stores;
    this.anomalies = anomalies;
    this.sources = List.copyOf(sources);
    this.windowMs = windowMs;
    this.alignHoldMs = alignHoldMs;
    this.clock = clock;
    held.addAll(stores.walLanes());
  }

  /** Whether the source's changes of the table wait (it was found to have skipped). */
  boolean holding(String source, String table) {
    return !held.isEmpty() && held.contains(source + "|" + table);
  }

  /** Appends a record of a held lane, with its change's commit time. */
  void hold(String source, String table, Record<byte[], byte[]> record, long commitTs) {
    WalLane lane = stores.walLane(source, table);
    stores.holdWal(source, table, lane.tail(), commitTs, HeldRecord.of(record));
    stores.putWalLane(source, table, new WalLane(lane.head(), lane.tail() + 1, lane.sinceMs()));
  }

  /**
   * The held records that may be decided now, lane by lane in their order: those committed before
   * what another source that is not held has delivered, or all once the hold time has passed. A
   * lane with nothing held that such a source has caught up with (or whose hold time passed) is
   * held no more. The caller takes the records out and decides them, in order, at once.
   */
  List<GtidRule.Release> releasable(long now) {
    if (held.isEmpty()) {
      return List.of();
    }
    List<GtidRule.Release> out = new ArrayList<>();
    for (String key : List.copyOf(held)) {
      int bar = key.indexOf('|');
      String source = key.substring(0, bar);
      String table = key.substring(bar + 1);
      WalLane lane = stores.walLane(source, table);
      boolean expired = now - lane.sinceMs() >= alignHoldMs;
      long passed = Long.MIN_VALUE;
      for (String other : sources) {
        if (!other.equals(source) && !holding(other, table)) {
          passed = Math.max(passed, stores.newestDelivered(other, table));
        }
      }
      long n = lane.head();
      while (n < lane.tail() && (expired || stores.heldWalCommit(source, table, n) < passed)) {
        n++;
      }
      if (n > lane.head()) {
        out.add(new GtidRule.Release(source, table, lane.head(), n, lane.sinceMs()));
      }
      if (n == lane.tail() && (expired || passed >= stores.newestDelivered(source, table))) {
        stores.deleteWalLane(source, table);
        held.remove(key);
      } else if (n > lane.head()) {
        stores.putWalLane(source, table, new WalLane(n, lane.tail(), lane.sinceMs()));
      }
    }
    return out;
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
      stores.putLastWalOfKey(
          table, keyDigest, new WalMark(w.lsn(), e.tsMs(), source, e.afterImage()));
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
                + " failover); its changes of the table wait until a source that did not skip"
                + " passes them, at most the align hold",
            List.of(changeId));
        if (alignHoldMs > 0 && !holding(other, table)) {
          // Ahead of a source that holds what it skipped: a later change it sent now would put
          // the skipped one behind a newer change of its key (a dead letter). Let the other pass.
          stores.putWalLane(other, table, new WalLane(0, 0, clock.getAsLong()));
          held.add(other + "|" + table);
        }
      }
    }
  }
}
