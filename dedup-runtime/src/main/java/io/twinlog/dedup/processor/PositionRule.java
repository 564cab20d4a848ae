package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.processor.DedupStores.HeldLane;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.serde.ExactPosition;
import io.twinlog.dedup.serde.Gtid;
import io.twinlog.dedup.serde.StateValues.PositionMark;
import io.twinlog.dedup.serde.TxPosition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Deduplicates changes by their exact position ({@link ExactPosition}), the same in every replica's
 * copy and across a connector's restarts: a PostgreSQL change's WAL position (primary and streaming
 * standbys, one Debezium connector and logical slot each), or a MariaDB/MySQL change's GTID and its
 * place in its transaction as the connector's own offset counts it (Twinlog's transform copies it
 * into headers).
 *
 * <p>Identity: {@code (position, content digest)}, the digest covering table, key, op and both
 * images (for PostgreSQL the commit time too). The digest tells apart the rows of one COPY (they
 * share one lsn) and a failover's reused position, and keeps replicas whose binlogs number a
 * transaction's events differently from passing one change for another (they repeat it instead). A
 * change seen before is a duplicate, whichever source re-sent it and however often: nothing here
 * depends on where a source resumed.
 *
 * <p>Order: per key, row locks make log order commit order, so a new change that sits below the
 * key's last emitted change ({@link CommitOrder}) is one a source skipped while another delivered
 * the key's later change (or a failover's dead history): emitting it would overwrite newer state,
 * so it is dead-lettered with the reason. After a failover the promoted replica reuses positions of
 * the old primary's lost tail (PostgreSQL's lsns and transaction ids; MariaDB's sequence numbers,
 * under a new server id), and there the commit time decides.
 *
 * <p>A source found to have skipped (another source delivers a change committed before what it
 * already delivered) is held in that table-partition: its records wait, in order, until another
 * source that is not held has delivered something committed after them (so the skipped changes it
 * holds are decided first, and nothing the held source sends later blocks them), or until the hold
 * time passes (then they are decided as they come).
 *
 * <p>State: per identity one entry and per key one mark, in the {@code seen} window store at the
 * change's commit time (both expire with the window); per source and table the newest change it
 * delivered; while a lane is held, its records.
 */
final class PositionRule {
  /** The change id's digest part: 72 bits, enough among the rows sharing one position. */
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

  PositionRule(
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
    held.addAll(stores.heldLanes());
  }

  /** Whether the source's changes of the table wait (it was found to have skipped). */
  boolean holding(String source, String table) {
    return !held.isEmpty() && held.contains(source + "|" + table);
  }

  /** Appends a record of a held lane, with its change's position. */
  void hold(String source, String table, Record<byte[], byte[]> record, ChangeEvent e) {
    HeldLane lane = stores.heldLane(source, table);
    stores.holdExact(source, table, lane.tail(), mark(e, source), HeldRecord.of(record));
    stores.putHeldLane(source, table, new HeldLane(lane.head(), lane.tail() + 1, lane.sinceMs()));
  }

  private static PositionMark mark(ChangeEvent e, String source) {
    return PositionMark.of(e.exact(), e.tsMs(), source, e.afterImage());
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
      HeldLane lane = stores.heldLane(source, table);
      boolean expired = now - lane.sinceMs() >= alignHoldMs;
      List<PositionMark> passing = new ArrayList<>();
      for (String other : sources) {
        if (!other.equals(source) && !holding(other, table)) {
          PositionMark newest = stores.newestDelivered(other, table);
          if (newest != null) {
            passing.add(newest);
          }
        }
      }
      long n = lane.head();
      while (n < lane.tail()
          && (expired || anyPassed(passing, stores.heldExactMark(source, table, n)))) {
        n++;
      }
      if (n > lane.head()) {
        out.add(new GtidRule.Release(source, table, lane.head(), n, lane.sinceMs()));
      }
      PositionMark own = stores.newestDelivered(source, table);
      if (n == lane.tail() && (expired || own == null || !aheadOfAll(passing, own))) {
        stores.deleteHeldLane(source, table);
        held.remove(key);
      } else if (n > lane.head()) {
        stores.putHeldLane(source, table, new HeldLane(n, lane.tail(), lane.sinceMs()));
      }
    }
    return out;
  }

  /** Whether a source that is not held has read past the held change. */
  private static boolean anyPassed(List<PositionMark> passing, PositionMark heldChange) {
    for (PositionMark newest : passing) {
      if (CommitOrder.passed(newest, heldChange)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the held source's newest change comes after what every passing source delivered: none
   * has caught up with it yet.
   */
  private static boolean aheadOfAll(List<PositionMark> passing, PositionMark own) {
    for (PositionMark newest : passing) {
      if (!CommitOrder.passed(own, newest)) {
        return false;
      }
    }
    return true;
  }

  /** The id the sink sees, the same whichever replica's copy wins. */
  static String changeId(ChangeEvent e) {
    return e.exact().changeId()
        + ":"
        + e.contentHash().substring(0, Math.min(ID_DIGEST_CHARS, e.contentHash().length()));
  }

  /**
   * @param newestCommit the newest {@code source.ts_ms} seen in this task, this change's included
   */
  Verdict decide(String source, String table, ChangeEvent e, long newestCommit) {
    PositionMark here = mark(e, source);
    PositionMark delivered = stores.newestDelivered(source, table);
    // Where the source now stands in its own stream (its topic is in commit order): its latest
    // change, not the highest position it ever sent. After an implausible GTID jump the highest
    // would make every later change of another source look skipped by this one; a re-send moves
    // it back only until the source has re-sent up to where it was.
    stores.putNewestDelivered(source, table, here);
    String identity = table + "|" + e.exact().identity() + "|" + e.contentHash();
    String content = null; // what the identity's entry holds: nothing when it names the content
    if (e.exact() instanceof TxPosition) {
      // One change per place of a MariaDB transaction: the place alone is looked up, and the
      // content stored there tells a copy from a different change (which repeats, never drops).
      String place = table + "|" + e.exact().identity();
      String there = stores.exactContent(place, e.tsMs());
      if (there == null) {
        identity = place;
        content = e.contentHash();
      } else if (there.equals(e.contentHash())) {
        return Verdict.drop("duplicate");
      } else {
        reportDisagreement(source, e, there);
      }
    }
    if (stores.exactSeen(identity, e.tsMs())) {
      return Verdict.drop("duplicate");
    }
    if (e.tsMs() + windowMs <= newestCommit) {
      // Its entry, if it ever had one, has left the window store, and so may the key's mark: a
      // duplicate cannot be told from a change only this source holds. The window must exceed the
      // longest lag between sources (lag-beyond-window says when it did not).
      return anomalies.beyondWindow(
          source, "change " + changeId(e), e.tsMs(), windowMs, newestCommit);
    }
    String changeId = changeId(e);
    if (delivered != null
        && !here.history().isEmpty()
        && here.history().equals(delivered.history())
        && CommitOrder.before(here, delivered)) {
      // Not a re-send (those were seen): the source's own binlog went back in the domain.
      anomalies.report(
          source,
          AnomalyKind.GTID_NOT_MONOTONIC,
          "change "
              + changeId
              + " comes after "
              + describe(delivered)
              + " in the source's binlog: the domain's sequence numbers went back (no"
              + " gtid_strict_mode, or an errant transaction); it is decided like any other change",
          List.of(changeId));
    }
    reportSkippers(source, table, here, changeId);
    // Tables without a primary key have no message key and no row locks ordering their rows:
    // concurrent transactions' rows interleave in the WAL, so there is no per-key order to keep.
    boolean keyed = !"null".equals(e.canonicalKey());
    String keyDigest = keyed ? EnvelopeParser.keyDigest(table, e.canonicalKey()) : null;
    PositionMark last = keyed ? stores.lastExactOfKey(table, keyDigest, e.tsMs()) : null;
    if (last != null) {
      if (CommitOrder.diverged(here, last)) {
        String why =
            "change "
                + changeId
                + " from "
                + source
                + " and the key's last emitted change ("
                + describe(last)
                + ", from "
                + last.source()
                + ") disagree on order by position and by commit time: the sources' histories"
                + " diverged at a failover (the promoted replica reuses the old primary's lost"
                + " positions); commit time decides";
        reportBoth(source, last.source(), why, List.of(changeId));
      }
      // A source's own topic is in its log's commit order: a new change after the key's last,
      // when that one came from the same source, is later whatever the positions say (MariaDB
      // without gtid_strict_mode can step a domain's sequence numbers back).
      if (!last.source().equals(source) && CommitOrder.before(here, last)) {
        String why =
            "change "
                + changeId
                + " ("
                + describe(here)
                + ", committed at "
                + e.tsMs()
                + ") arrived after a later change of its key ("
                + describe(last)
                + ", committed at "
                + last.tsMs()
                + ") had been emitted from "
                + last.source()
                + ": emitting it would overwrite newer state (a source skipped it and the only"
                + " one holding it was behind)";
        anomalies.report(source, AnomalyKind.KEY_ORDER_CONFLICT, why, List.of(changeId));
        // Remembered like an emitted change: another copy of it is a duplicate, not a second
        // dead letter. The key's mark stays on its newest change.
        stores.putExactSeen(identity, e.tsMs(), content);
        return Verdict.deadLetter(changeId, why);
      }
    }
    stores.putExactSeen(identity, e.tsMs(), content);
    if (keyed) {
      stores.putLastExactOfKey(table, keyDigest, here);
    }
    if (e.exact() instanceof TxPosition tx) {
      reportReusedSequence(source, table, tx.gtid(), e.tsMs());
    }
    return Verdict.emit(changeId);
  }

  /**
   * Another change was delivered at this place of the transaction: the replicas' binlogs number the
   * transaction's events differently (their annotate or row-event settings differ), or their
   * histories diverged. The change is decided as one of its own, so a copy read through the other
   * numbering repeats under another id rather than being lost.
   */
  private void reportDisagreement(String source, ChangeEvent e, String there) {
    anomalies.report(
        source,
        AnomalyKind.SOURCE_DIVERGED,
        "change "
            + changeId(e)
            + " sits where another source delivered different content ("
            + there.substring(0, Math.min(ID_DIGEST_CHARS, there.length()))
            + "): the replicas number this transaction's binlog events differently (compare"
            + " binlog_annotate_row_events, replicate_annotate_row_events and"
            + " binlog_row_event_max_size on them) or their histories diverged; it is delivered"
            + " as a change of its own and may repeat one",
        List.of(((TxPosition) e.exact()).gtid().text()));
  }

  /**
   * A MariaDB sequence number emitted under two server ids: a failover to a replica that lacked the
   * old primary's last transactions, whose own transactions reuse their numbers. Both histories'
   * changes are delivered (each was committed on its primary); the divergence is reported with both
   * GTIDs, since the system downstream may now hold changes the new primary never had.
   */
  private void reportReusedSequence(String source, String table, Gtid g, long ts) {
    String[] first = stores.firstOfSequence(table, g.domain(), g.seq(), ts);
    if (first == null) {
      stores.putFirstOfSequence(table, g.domain(), g.seq(), g.text(), source, ts);
    } else if (!first[0].equals(g.text())) {
      reportBoth(
          source,
          first[1],
          g.text()
              + " (from "
              + source
              + ") and "
              + first[0]
              + " (from "
              + first[1]
              + ") share a domain and sequence number: the sources' histories diverged (a"
              + " failover to a replica that lacked the old primary's last transactions)",
          List.of(first[0], g.text()));
    }
  }

  /**
   * A divergence names both sources: the one that lacks the other's transactions and the one whose
   * history the other contradicts; which is the surviving primary's is for a human to say.
   */
  private void reportBoth(String source, String other, String why, List<String> gtids) {
    anomalies.report(source, AnomalyKind.SOURCE_DIVERGED, why, gtids);
    if (!other.equals(source) && !other.isEmpty()) {
      anomalies.report(other, AnomalyKind.SOURCE_DIVERGED, why, gtids);
    }
  }

  /** A mark's position for a human: "lsn N", or "gtid d-s-n event e row r". */
  private static String describe(PositionMark m) {
    if (m.history().isEmpty()) {
      return "lsn " + m.major();
    }
    return "gtid "
        + m.history()
        + "-"
        + m.major()
        + " event "
        + TxPosition.event(m.minor())
        + " row "
        + TxPosition.row(m.minor());
  }

  /**
   * A change nobody delivered before, committed earlier than what another source already delivered
   * of this table-partition: that source read past it (each source's table topic is in commit
   * order), so it was re-seeded ahead, or it reads a replica that never had the change (a
   * failover's other history). Reported as it happens, whether or not a key conflict follows.
   */
  private void reportSkippers(String source, String table, PositionMark e, String changeId) {
    for (String other : sources) {
      if (other.equals(source)) {
        continue;
      }
      PositionMark newest = stores.newestDelivered(other, table);
      if (CommitOrder.passed(newest, e)) {
        // MariaDB names the history: past a change of another server id, the other source reads a
        // replica that never had it (a failover), which is a divergence, not a skip.
        boolean otherHistory = !newest.history().isEmpty() && !newest.history().equals(e.history());
        anomalies.report(
            other,
            otherHistory ? AnomalyKind.SOURCE_DIVERGED : AnomalyKind.SOURCE_SKIPPED,
            "delivered changes committed at "
                + newest.tsMs()
                + " ("
                + describe(newest)
                + ") without "
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
          stores.putHeldLane(other, table, new HeldLane(0, 0, clock.getAsLong()));
          held.add(other + "|" + table);
        }
      }
    }
  }
}
