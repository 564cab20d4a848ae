package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.processor.DedupStores.HeldEvent;
import io.twinlog.dedup.processor.GtidCursor.Mode;
import io.twinlog.dedup.processor.Transcripts.Entry;
import io.twinlog.dedup.processor.Transcripts.Header;
import io.twinlog.dedup.processor.Transcripts.KeyState;
import io.twinlog.dedup.serde.BadRecordException;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.serde.Gtid;
import io.twinlog.dedup.serde.StateValues.Watermark;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Deduplicates changes that carry a GTID, by position in the transaction's transcript.
 *
 * <p>Every replica emits the same changes of a transaction, in the same order, so in one
 * table-partition a transaction is one sequence of changes, whichever source reads it. The runtime
 * keeps, per transaction, the transcript of what the output holds of it (content digests, in order)
 * and, per source, where that source stands in it. A change at an index the transcript already
 * holds is a duplicate; at the next index it is new and is emitted. The change id is {@code
 * <gtid>/<table>/<digest>/<k>}, k the occurrence of that content in the transaction.
 *
 * <p>Positions are certain wherever a source enters a transaction at its boundary (its previous
 * event was of another transaction): it starts at index 0. They are not when a connector resumes
 * inside a transaction (Debezium numbers the rest from 1, with or without re-sending what it had
 * sent): then its events are matched against the transcript (content and {@code total_order}
 * spacing) from every index it may have resumed at, and it is decided as soon as every candidate
 * agrees. While they disagree, its events are held, never guessed, until another source's events or
 * a completed transcript rule all but one out (or the hold time passes: then it decides alone,
 * taking the resume that re-sends least, so nothing is lost, and reports it).
 *
 * <p>Nothing is ever dropped for a position another source has not reached: no completed marks, no
 * claims from a step over a GTID range. Transcripts expire with the window (commit time). See
 * docs/concepts/deduplication.md for the failures this survives and the state it needs.
 */
final class GtidRule {
  private final DedupStores stores;
  private final Transcripts transcripts;
  private final AnomalySink anomalies;
  private final List<String> sources;
  private final long windowMs;
  private final long holdMs;
  private final java.util.function.LongSupplier clock;
  private final ArrayDeque<Release> releases = new ArrayDeque<>();

  /** Held records of a source that can now be decided, in order: [from, to). */
  record Release(String source, String table, long from, long to, long heldSinceMs) {}

  /** While held records are decided again: since when they have waited (else NOT_REPLAYING). */
  private long replayingSinceMs = NOT_REPLAYING;

  static final long NOT_REPLAYING = Long.MIN_VALUE;

  /**
   * The records about to be decided again have been held since {@code heldSinceMs}: a hold they
   * start again counts from then, so a source held on one resume after another waits the hold time
   * once, not once per resume.
   */
  void replaying(long heldSinceMs) {
    replayingSinceMs = heldSinceMs;
  }

  GtidRule(
      DedupStores stores,
      Transcripts transcripts,
      AnomalySink anomalies,
      List<String> sources,
      long windowMs,
      long holdMs,
      java.util.function.LongSupplier clock) {
    this.stores = stores;
    this.transcripts = transcripts;
    this.anomalies = anomalies;
    this.sources = sources;
    this.windowMs = windowMs;
    this.holdMs = holdMs;
    this.clock = clock;
  }

  /** The batches of held records that became decidable since the last call, in order. */
  java.util.List<Release> takeReleases() {
    java.util.List<Release> taken = List.copyOf(releases);
    releases.clear();
    return taken;
  }

  /**
   * Decides alone the oldest hold that outlived the hold time (nothing else placed it in time), and
   * says whether there was one. One at a time: releasing one source's held changes may place
   * another's, so the caller replays the release before asking again. Oldest first (by when it
   * began, then by its transaction's commit time): the source held on the earlier transaction may
   * be the one that settles the later one.
   */
  boolean expireOldestHold(long now) {
    String[] oldest = null;
    GtidCursor oldestCursor = null;
    for (String[] lane : stores.holdingLanes()) {
      GtidCursor c = stores.gtidCursor(lane[0], lane[1]);
      if (c == null || !c.holding) {
        stores.markHolding(lane[0], lane[1], false);
        continue;
      }
      if (now - c.holdSinceMs <= holdMs) {
        continue;
      }
      if (oldestCursor == null
          || c.holdSinceMs < oldestCursor.holdSinceMs
          || (c.holdSinceMs == oldestCursor.holdSinceMs && c.commitTs < oldestCursor.commitTs)) {
        oldest = lane;
        oldestCursor = c;
      }
    }
    if (oldest == null) {
      return false;
    }
    tryResolve(oldest[0], oldest[1], oldestCursor, now);
    stores.putGtidCursor(oldest[0], oldest[1], oldestCursor);
    return true;
  }

  /** True while the source's records of this table are held (every kind, so order is kept). */
  boolean holding(String source, String table) {
    GtidCursor c = stores.gtidCursor(source, table);
    return c != null && c.holding;
  }

  /** Holds a record of a source whose GTID events are held (snapshot rows, events without GTID). */
  void holdOther(String source, String table, Record<byte[], byte[]> record) {
    GtidCursor c = stores.gtidCursor(source, table);
    c.runEnded = true;
    stores.hold(source, table, c.holdTail++, HeldRecord.of(record));
    stores.putGtidCursor(source, table, c);
  }

  Verdict decide(
      String source, String table, ChangeEvent e, Record<byte[], byte[]> record, long newest) {
    Gtid g = e.gtid();
    GtidCursor c = stores.gtidCursor(source, table);
    if (c != null && c.holding) {
      return holdMore(source, table, c, e, record, newest);
    }
    if (c == null) {
      c = new GtidCursor();
    }
    boolean sameTx = g.text().equals(c.gtid);
    if (!sameTx && e.tsMs() + windowMs < newest) {
      Header h = transcripts.header(table, g.text(), e.tsMs());
      if (h == null) {
        // Its transcript, if there was one, left with the window: another source delivered it
        // while it was in the window, or this source lags more than the window (reported as lag).
        anomalies.report(
            source,
            AnomalyKind.BEYOND_WINDOW,
            "GTID "
                + g.text()
                + " committed more than the window ("
                + windowMs
                + " ms) before the newest commit seen; dropped as delivered",
            List.of(g.text()));
        c.gtid = g.text();
        c.commitTs = e.tsMs();
        c.lastOrder = e.totalOrder();
        c.mode = Mode.LOST;
        stores.putGtidCursor(source, table, c);
        return Verdict.drop("beyond-window");
      }
    }
    if (sameTx && (e.totalOrder() < 0 || e.totalOrder() > c.lastOrder)) {
      // The run goes on, or a restart that total_order does not show. Debezium resumed after a
      // crash can go back past an earlier resume inside the same transaction (the offsets it
      // commits there count from that resume), so a growing number does not prove that nothing
      // was re-sent: where the change at the lane's next index is known and its numbering does
      // not fit, the lane is placed again like any resume.
      if (renumbered(table, c, e)) {
        resumeInside(table, c, e);
      }
    } else if (sameTx) {
      resumeInside(table, c, e);
    } else {
      enter(source, table, c, e);
    }
    Verdict verdict =
        switch (c.mode) {
          case ALIGNED -> atIndex(source, table, c, e);
          case ALIGNING -> aligning(source, table, c, e, record, newest);
          case LOST -> Verdict.drop("unaligned");
        };
    if (verdict.outcome() != Verdict.Outcome.HOLD) {
      c.lastOrder = e.totalOrder();
      c.position = e.position();
    }
    stores.putGtidCursor(source, table, c);
    return verdict;
  }

  // ---- entering a transaction ------------------------------------------------------------------

  private void enter(String source, String table, GtidCursor c, ChangeEvent e) {
    Gtid g = e.gtid();
    String high = c.highest.get(g.domain());
    boolean passed = high != null && seq(high) >= g.seq();
    leave(source, table, c, !passed);
    Header h = transcripts.header(table, g.text(), e.tsMs());
    if (passed && h == null && c.position != null && e.position().compareTo(c.position) > 0) {
      anomalies.report(
          source,
          AnomalyKind.GTID_NOT_MONOTONIC,
          "GTID "
              + g.text()
              + " follows "
              + high
              + " further on in this source's binlog: domain "
              + g.domain()
              + " is not strictly ordered (gtid_strict_mode off?)",
          List.of(high, g.text()));
    }
    if (!passed && high != null) {
      reportSteppedOver(source, table, high, g);
    }
    if (high == null || g.seq() > seq(high)) {
      c.highest.put(g.domain(), g.text());
    }
    c.gtid = g.text();
    c.commitTs = e.tsMs();
    c.run = 0;
    c.guessed = false;
    // A step to a later transaction in this source's own binlog enters it at its first change:
    // a resume inside a transaction lands after what the lane already delivered of it, so a lane
    // whose last change was of an earlier transaction had none of it yet. Only a step back (a
    // crash resume from an older offset) may land anywhere in what the output holds.
    boolean forward =
        c.position != null && e.position().compareTransaction(c.position) > 0 && c.gtid != null;
    if (!passed || h == null || forward) {
      // Entered at the transaction's boundary: index 0.
      c.mode = Mode.ALIGNED;
      c.next = 0;
      c.reach = 0;
      c.fromStart = true;
      c.shift = h == null || h.size() == 0 ? 0 : GtidCursor.UNKNOWN;
      return;
    }
    // Again, in a transaction the output holds (a replay from before it, or a resume inside it
    // after this source had gone further): it may start anywhere the transcript has its content.
    align(table, c, e, h.complete() ? h.size() - 1 : h.size(), h);
    c.fromStart = false;
  }

  /**
   * A restart that total_order did not show (it grew, because the new run's numbering starts later
   * in the transaction than the old one's did): the change at the source's next index has a known
   * original total_order, and this one's does not match it under the run's shift.
   */
  private boolean renumbered(String table, GtidCursor c, ChangeEvent e) {
    if (c.mode != Mode.ALIGNED || c.shift == GtidCursor.UNKNOWN || e.totalOrder() < 0) {
      return false;
    }
    Header h = header(table, c);
    if (c.next >= h.size()) {
      return false;
    }
    Entry entry = transcripts.entry(table, c.gtid, c.commitTs, c.next);
    return entry != null
        && entry.order() != GtidCursor.UNKNOWN
        && entry.order() != e.totalOrder() + c.shift;
  }

  /** The connector resumed inside the transaction (total_order did not grow): find where. */
  private void resumeInside(String table, GtidCursor c, ChangeEvent e) {
    Header h = header(table, c);
    int reach = c.mode == Mode.ALIGNED ? Math.max(c.reach, c.next) : h.size();
    align(table, c, e, Math.min(reach, h.size()), h);
  }

  private void align(String table, GtidCursor c, ChangeEvent e, int upTo, Header h) {
    int[] candidates = new int[upTo + 1];
    long[] shifts = new long[upTo + 1];
    int n = 0;
    for (int i = 0; i <= upTo; i++) {
      if (i < h.size()) {
        Entry entry = transcripts.entry(table, c.gtid, c.commitTs, i);
        if (entry == null || !entry.digest().equals(e.contentHash())) {
          continue;
        }
        shifts[n] =
            entry.order() == GtidCursor.UNKNOWN || e.totalOrder() < 0
                ? GtidCursor.UNKNOWN
                : entry.order() - e.totalOrder();
      } else {
        shifts[n] = GtidCursor.UNKNOWN;
      }
      candidates[n++] = i;
    }
    c.mode = Mode.ALIGNING;
    c.candidates = java.util.Arrays.copyOf(candidates, n);
    c.shifts = java.util.Arrays.copyOf(shifts, n);
    c.run = 0;
  }

  /**
   * The source leaves its transaction. Going forward, having read it whole: the transcript is
   * complete. Going forward short of what the output holds: it skipped the rest.
   */
  private void leave(String source, String table, GtidCursor c, boolean forward) {
    if (c.gtid == null || !forward || c.mode != Mode.ALIGNED) {
      return;
    }
    Header h = transcripts.header(table, c.gtid, c.commitTs);
    if (h == null) {
      return;
    }
    if (c.next < h.size()) {
      // Its claims to have read this transaction whole, in other tables, are void from now on.
      transcripts.markReadPartly(c.gtid, source, c.commitTs);
      anomalies.report(
          source,
          AnomalyKind.SOURCE_SKIPPED,
          "left transaction "
              + c.gtid
              + " after "
              + c.next
              + " of the "
              + h.size()
              + " changes the output holds of it in this partition; another source delivered the"
              + " rest (re-seeded or stopped inside the transaction and moved on)",
          List.of(c.gtid));
    } else if (c.fromStart && !h.complete()) {
      Header done = h.completedBy(source);
      transcripts.putHeader(table, c.gtid, c.commitTs, done);
      if (done.waiters() > 0) {
        wakeWaiters(source, table, c.gtid, c.commitTs, done, -1);
      }
    }
  }

  // ---- deciding at a known index ---------------------------------------------------------------

  private Verdict atIndex(String source, String table, GtidCursor c, ChangeEvent e) {
    Header h = header(table, c);
    int j = c.next;
    c.next = j + 1;
    if (j < h.size()) {
      Entry entry = transcripts.entry(table, c.gtid, c.commitTs, j);
      boolean replay = j < c.reach;
      c.reach = Math.max(c.reach, c.next);
      if (entry != null && entry.guessed() && !c.guessed) {
        return overGuess(source, table, c, e, j, entry);
      }
      if (entry != null && !entry.digest().equals(e.contentHash())) {
        anomalies.report(
            source,
            AnomalyKind.SOURCE_DIVERGED,
            "change "
                + (j + 1)
                + " of transaction "
                + c.gtid
                + " in this partition differs from the one another source delivered there",
            List.of(c.gtid));
        return Verdict.drop("diverged");
      }
      if (c.shift == GtidCursor.UNKNOWN && entry != null && entry.order() != GtidCursor.UNKNOWN) {
        c.shift = entry.order() - e.totalOrder();
      }
      return Verdict.drop(replay ? "replay" : "other-source");
    }
    c.reach = c.next;
    return append(source, table, c, e, h);
  }

  /**
   * A source whose place is matched meets an entry a guessing source wrote (its place inferred from
   * how its run ended, or decided alone). The same change: the guess was right there, and the entry
   * is confirmed. Another change: the guess was wrong, so this source's change takes the index and
   * is emitted (it may repeat one the guess emitted elsewhere, never goes missing).
   */
  private Verdict overGuess(
      String source, String table, GtidCursor c, ChangeEvent e, int j, Entry entry) {
    long order =
        c.shift == GtidCursor.UNKNOWN || e.totalOrder() < 0
            ? GtidCursor.UNKNOWN
            : e.totalOrder() + c.shift;
    if (entry.digest().equals(e.contentHash())) {
      transcripts.putEntry(
          table,
          c.gtid,
          c.commitTs,
          j,
          new Entry(entry.digest(), order, entry.occurrence(), false));
      return Verdict.drop("other-source");
    }
    int k = transcripts.nextOccurrence(table, c.gtid, c.commitTs, e.contentHash());
    transcripts.putEntry(table, c.gtid, c.commitTs, j, new Entry(e.contentHash(), order, k, false));
    anomalies.report(
        source,
        AnomalyKind.RESUME_UNALIGNED,
        "change "
            + (j + 1)
            + " of transaction "
            + c.gtid
            + " in this partition is not the one a source placed there without knowing its place;"
            + " emitted (the guessed one may repeat a change)",
        List.of(c.gtid));
    return keyOrder(
        source, table, e, e.gtid().text() + "/" + table + "/" + e.contentHash() + "/" + k);
  }

  /** The change is the next of the transcript: emit it (or dead-letter it, see keyOrder). */
  private Verdict append(String source, String table, GtidCursor c, ChangeEvent e, Header h) {
    Gtid g = e.gtid();
    int j = h.size();
    int k = transcripts.nextOccurrence(table, c.gtid, c.commitTs, e.contentHash());
    long order =
        c.shift == GtidCursor.UNKNOWN || e.totalOrder() < 0
            ? GtidCursor.UNKNOWN
            : e.totalOrder() + c.shift;
    // A guessed place is written as such: a source whose place is matched overrides it there.
    transcripts.putEntry(
        table, c.gtid, c.commitTs, j, new Entry(e.contentHash(), order, k, c.guessed));
    Header grown = h.withSize(j + 1);
    if (h.complete()) {
      anomalies.report(
          h.claimedBy(),
          AnomalyKind.SOURCE_SKIPPED,
          "read transaction "
              + c.gtid
              + " as "
              + j
              + " changes in this partition and went on, but "
              + source
              + " delivered more of it",
          List.of(c.gtid));
      grown = grown.reopened();
    }
    transcripts.putHeader(table, c.gtid, c.commitTs, grown);
    if (j == 0) {
      newTransaction(source, table, g, e.tsMs());
    }
    Verdict verdict =
        keyOrder(source, table, e, g.text() + "/" + table + "/" + e.contentHash() + "/" + k);
    if (grown.waiters() > 0) {
      // After keyOrder: the held sources' row-image chains read where this change left its key.
      wakeWaiters(source, table, c.gtid, c.commitTs, grown, j);
    }
    return verdict;
  }

  /**
   * Per-key order: a change whose key already had a later change emitted (the only source holding
   * it was behind while another skipped it) would overwrite newer state downstream; it goes to the
   * dead-letter topic with the reason instead. A later change from another server id of the domain
   * is a diverged history (failover), not a later change: that is reported, and the change emitted.
   */
  private Verdict keyOrder(String source, String table, ChangeEvent e, String changeId) {
    Gtid g = e.gtid();
    String keyDigest = EnvelopeParser.keyDigest(table, e.canonicalKey());
    KeyState state = transcripts.lastOfKey(table, keyDigest, e.tsMs());
    String last = state == null ? null : state.gtid();
    if (last != null && !last.equals(g.text())) {
      Gtid previous = parse(last);
      boolean sameHistory = previous.sameDomain(g) && previous.server().equals(g.server());
      // One primary's history: sequence numbers are commit order. Across a failover (another
      // server id) or domains, sequence numbers are reused or unrelated: commit time orders,
      // the sequence number breaks a tie within one second.
      boolean older =
          sameHistory
              ? previous.seq() > g.seq()
              : state.tsMs() > e.tsMs()
                  || (state.tsMs() == e.tsMs()
                      && previous.sameDomain(g)
                      && previous.seq() > g.seq());
      if (older) {
        String why =
            "change of "
                + g.text()
                + " arrived after "
                + last
                + " had already been emitted for the same key: emitting it would overwrite"
                + " newer state (a source skipped it and the only one holding it was behind)";
        anomalies.report(source, AnomalyKind.KEY_ORDER_CONFLICT, why, List.of(g.text(), last));
        // Still this transaction's change of the key: the next one in it starts from here (what
        // fits() checks a resumed source's new changes against), though the key's newest stays.
        transcripts.putLastOfKey(
            table,
            keyDigest + "|" + g.text(),
            new KeyState(g.text(), e.afterImage(), e.tsMs()),
            e.tsMs());
        return Verdict.deadLetter(changeId, why);
      }
      if (!sameHistory && previous.sameDomain(g) && previous.seq() > g.seq()) {
        anomalies.report(
            source,
            AnomalyKind.SOURCE_DIVERGED,
            g.text()
                + " changes a key that "
                + last
                + " (another server id, higher sequence number) changed: the sources' histories"
                + " diverged at a failover",
            List.of(g.text(), last));
      }
    }
    KeyState now = new KeyState(g.text(), e.afterImage(), e.tsMs());
    transcripts.putLastOfKey(table, keyDigest, now, e.tsMs());
    // Per transaction too: where a resumed source's next new change of the key must start.
    transcripts.putLastOfKey(table, keyDigest + "|" + g.text(), now, e.tsMs());
    return Verdict.emit(changeId);
  }

  /** A transaction's first change reaches the output: look for skipping and diverged sources. */
  private void newTransaction(String source, String table, Gtid g, long ts) {
    String other = stores.bySequence(table, g.domain(), g.seq(), ts);
    if (other != null && !other.equals(g.text())) {
      anomalies.report(
          source,
          AnomalyKind.SOURCE_DIVERGED,
          g.text()
              + " and "
              + other
              + " share a domain and sequence number: the sources' histories diverged (a"
              + " failover to a replica that lacked the old primary's last transactions)",
          List.of(other, g.text()));
    } else if (other == null) {
      stores.putBySequence(table, g.domain(), g.seq(), g.text(), ts);
    }
    for (String o : sources) {
      if (o.equals(source)) {
        continue;
      }
      GtidCursor oc = stores.gtidCursor(o, table);
      String high = oc == null || oc.holding ? null : oc.highest.get(g.domain());
      if (high != null && seq(high) > g.seq()) {
        boolean sameServer = parse(high).server().equals(g.server());
        anomalies.report(
            o,
            sameServer ? AnomalyKind.SOURCE_SKIPPED : AnomalyKind.SOURCE_DIVERGED,
            (sameServer
                    ? "read past " + g.text() + " (to " + high + ") without delivering it; "
                    : "its history (" + high + ") lacks " + g.text() + "; ")
                + source
                + " delivered it",
            List.of(g.text(), high));
      }
    }
    stores.noteEmitted(table, g.domain(), g.seq(), g.text());
  }

  /** A forward step over a GTID another source delivered: this source skipped it. */
  private void reportSteppedOver(String source, String table, String high, Gtid g) {
    if (!parse(high).sameDomain(g)) {
      return;
    }
    Watermark newest = stores.newestEmitted(table, g.domain());
    if (newest != null && newest.seq() > seq(high) && newest.seq() < g.seq()) {
      anomalies.report(
          source,
          AnomalyKind.SOURCE_SKIPPED,
          "went from "
              + high
              + " to "
              + g.text()
              + " without delivering "
              + newest.gtid()
              + ", which another source delivered: it resumed from an inconsistent position and"
              + " would have lost changes on its own",
          List.of(high, newest.gtid(), g.text()));
    }
  }

  // ---- aligning a resumed source ---------------------------------------------------------------

  private Verdict aligning(
      String source,
      String table,
      GtidCursor c,
      ChangeEvent e,
      Record<byte[], byte[]> record,
      long newest) {
    Header h = header(table, c);
    filter(source, table, c, h, c.run, held(e));
    if (c.candidates.length == 0) {
      return lost(source, c);
    }
    if (c.candidates.length == 1) {
      c.mode = Mode.ALIGNED;
      // Placed at the transaction's first change: from here on it reads the transaction whole.
      c.fromStart |= c.candidates[0] == 0;
      c.next = c.candidates[0] + c.run;
      c.shift = c.shifts[0];
      c.reach = Math.max(c.reach, c.next);
      return atIndex(source, table, c, e);
    }
    int max = c.candidates[c.candidates.length - 1] + c.run;
    if (max < h.size()) {
      c.run++;
      return Verdict.drop("replay");
    }
    // One candidate says this change is new, another that the output holds it: hold, never guess.
    c.holding = true;
    c.holdHead = c.holdTail;
    c.holdRun0 = c.run;
    // Replayed after the hold, this event must continue the run it starts, not start a new one.
    c.holdLastOrder0 = e.totalOrder() - 1;
    c.holdPosition0 = c.position;
    c.holdSinceMs = replayingSinceMs != NOT_REPLAYING ? replayingSinceMs : clock.getAsLong();
    stores.markHolding(source, table, true);
    c.runEnded = false;
    transcripts.putHeader(table, c.gtid, c.commitTs, h.withWaiters(h.waiters() + 1));
    anomalies.report(
        source,
        AnomalyKind.RESUME_UNALIGNED,
        "resumed inside transaction "
            + c.gtid
            + " and what it sends fits "
            + c.candidates.length
            + " places of what the output holds; holding its changes of "
            + table
            + " until another source tells which",
        List.of(c.gtid));
    stores.hold(source, table, c.holdTail++, HeldRecord.of(record));
    holdEvent(source, table, c.run, e);
    c.run++;
    c.lastOrder = e.totalOrder();
    c.position = e.position();
    tryResolve(source, table, c, clock.getAsLong());
    return Verdict.hold();
  }

  private Verdict holdMore(
      String source,
      String table,
      GtidCursor c,
      ChangeEvent e,
      Record<byte[], byte[]> record,
      long newest) {
    boolean sameRun =
        !c.runEnded
            && e.gtid().text().equals(c.gtid)
            && (e.totalOrder() < 0 || e.totalOrder() > c.lastOrder);
    stores.hold(source, table, c.holdTail++, HeldRecord.of(record));
    if (sameRun) {
      Header h = header(table, c);
      String keyDigest = EnvelopeParser.keyDigest(table, e.canonicalKey());
      filter(
          source,
          table,
          c,
          h,
          c.run,
          held(e).withPrevious(stores.lastHeldOfKey(source, table, keyDigest)));
      holdEvent(source, table, c.run, e);
      c.run++;
      c.lastOrder = e.totalOrder();
    } else {
      if (!c.runEnded
          && !e.gtid().text().equals(c.gtid)
          && c.position != null
          && e.position().compareTransaction(c.position) > 0
          && steppedToTheNext(table, c.gtid, e.gtid(), e.tsMs())) {
        leftInHold(table, c);
      }
      c.runEnded = true;
    }
    tryResolve(source, table, c, clock.getAsLong());
    stores.putGtidCursor(source, table, c);
    return Verdict.hold();
  }

  /** How far a step is checked for skipped transactions; a longer one is not taken as an end. */
  private static final int STEP_CHECKED = 64;

  /**
   * Whether a step from {@code from} to {@code to} passed over nothing the output holds of this
   * table: an ordinary end of the transaction, not a re-seed that jumped over what others
   * delivered.
   */
  private boolean steppedToTheNext(String table, String from, Gtid to, long ts) {
    Gtid g = parse(from);
    if (!g.sameDomain(to) || !g.server().equals(to.server())) {
      return false;
    }
    long gap = to.seq() - g.seq();
    if (gap <= 0 || gap > STEP_CHECKED) {
      return false;
    }
    for (long seq = g.seq() + 1; seq < to.seq(); seq++) {
      if (stores.bySequence(table, g.domain(), seq, ts) != null) {
        return false;
      }
    }
    return true;
  }

  /**
   * The held run went on to a later transaction of its binlog: it read the rest of this one, so its
   * start plus its length is the transaction's end in this partition. A start from which it would
   * have left before the end of what the output holds is ruled out (had it been re-seeded instead,
   * the start kept takes its changes as new: they may repeat, never go missing). Where both "it
   * re-sent the end" and "its changes come after the end" remain, a source that read the
   * transaction whole and went on (the transcript's claim) tells which.
   */
  private void leftInHold(String table, GtidCursor c) {
    Header h = header(table, c);
    java.util.function.IntPredicate reachesTheEnd = i -> c.candidates[i] + c.run >= h.size();
    java.util.function.IntPredicate endsThere = i -> c.candidates[i] + c.run == h.size();
    boolean claimTells =
        transcripts.claimHolds(c.gtid, h, c.commitTs)
            && java.util.stream.IntStream.range(0, c.candidates.length).anyMatch(endsThere);
    int[] kept =
        java.util.stream.IntStream.range(0, c.candidates.length)
            .filter(claimTells ? endsThere : reachesTheEnd)
            .toArray();
    if (kept.length > 0 && kept.length < c.candidates.length) {
      c.candidates = java.util.Arrays.stream(kept).map(i -> c.candidates[i]).toArray();
      c.shifts = java.util.Arrays.stream(kept).mapToLong(i -> c.shifts[i]).toArray();
      c.guessed = true; // inferred: a re-seed to the next boundary looks the same
    }
  }

  private static HeldEvent held(ChangeEvent e) {
    return new HeldEvent(
        e.contentHash(),
        e.totalOrder(),
        e.op(),
        e.canonicalKey(),
        e.beforeImage(),
        e.afterImage(),
        -1);
  }

  /** Records a held change, linked to the previous held change of its key. */
  private HeldEvent holdEvent(String source, String table, int k, ChangeEvent e) {
    String keyDigest = EnvelopeParser.keyDigest(table, e.canonicalKey());
    HeldEvent event = held(e).withPrevious(stores.lastHeldOfKey(source, table, keyDigest));
    stores.putHeldEvent(source, table, k, event);
    stores.putLastHeldOfKey(source, table, keyDigest, k);
    return event;
  }

  /** Keeps the candidates under which the run's event {@code k} fits the transcript. */
  private void filter(String source, String table, GtidCursor c, Header h, int k, HeldEvent e) {
    int[] kept = c.candidates.clone();
    long[] shifts = c.shifts.clone();
    int n = keep(source, table, c, h, k, e, kept, shifts);
    c.candidates = java.util.Arrays.copyOf(kept, n);
    c.shifts = java.util.Arrays.copyOf(shifts, n);
  }

  private int keep(
      String source,
      String table,
      GtidCursor c,
      Header h,
      int k,
      HeldEvent e,
      int[] kept,
      long[] shifts) {
    int n = 0;
    for (int i = 0; i < kept.length; i++) {
      long shift = fits(source, table, c, h, kept[i], k, shifts[i], e);
      if (shift != REJECTED) {
        kept[n] = kept[i];
        shifts[n++] = shift;
      }
    }
    return n;
  }

  private static final long REJECTED = Long.MAX_VALUE;

  /**
   * Whether event {@code e} can be the transcript's change {@code p}: the same content and, where
   * both numberings are known, the same total_order spacing (returns the shift, learnt if it was
   * unknown); as the next new change ({@code p} = size), its key must be where the output left it
   * (full row images: a change starts from the key's last after image). REJECTED otherwise.
   */
  private long fits(
      String source,
      String table,
      GtidCursor c,
      Header h,
      int candidate,
      int k,
      long shift,
      HeldEvent e) {
    int p = candidate + k;
    if (p < h.size()) {
      Entry entry = transcripts.entry(table, c.gtid, c.commitTs, p);
      if (entry == null || !entry.digest().equals(e.digest())) {
        return REJECTED;
      }
      if (entry.order() != GtidCursor.UNKNOWN && e.order() >= 0) {
        if (shift == GtidCursor.UNKNOWN) {
          return entry.order() - e.order();
        }
        return entry.order() == e.order() + shift ? shift : REJECTED;
      }
      return shift;
    }
    // Beyond the end of a transcript one source claimed complete: kept, because that source may
    // have been re-seeded (or have stopped) inside the transaction and gone on, which nothing in
    // its events shows. The claim settles only what the run's own end does not (see leftInHold).
    // A new change starts where its key stands: after the previous held change of the key that
    // this candidate also takes as new, else after the last change the output holds of it.
    long from;
    HeldEvent previous =
        e.previous() >= 0 && candidate + e.previous() >= h.size()
            ? stores.heldEvent(source, table, e.previous())
            : null;
    if (previous != null) {
      from = previous.afterImage();
    } else {
      KeyState state =
          transcripts.lastOfKey(
              table, EnvelopeParser.keyDigest(table, e.canonicalKey()) + "|" + c.gtid, c.commitTs);
      if (state == null || !state.gtid().equals(c.gtid)) {
        // The key's previous change is in another transaction: the output may lack transactions
        // in between (the source that delivered them skipped some, the others lag), or hold a
        // later change of the key (a source skipped ahead). Only a change inside this
        // transaction tells where the key stands.
        return shift;
      }
      from = state.afterImage();
    }
    boolean starts = e.op() == 'c' ? from == ChangeEvent.NO_IMAGE : e.beforeImage() == from;
    return starts ? shift : REJECTED;
  }

  /** Another source grew the transcript (index {@code added}) or completed it (-1). */
  private void wakeWaiters(String source, String table, String gtid, long ts, Header h, int added) {
    for (String o : sources) {
      if (o.equals(source)) {
        continue;
      }
      GtidCursor oc = stores.gtidCursor(o, table);
      if (oc == null || !oc.holding || !gtid.equals(oc.gtid)) {
        continue;
      }
      if (added >= 0) {
        int n = 0;
        int[] keep = new int[oc.candidates.length];
        long[] shifts = new long[oc.candidates.length];
        for (int i = 0; i < oc.candidates.length; i++) {
          long shift = oc.shifts[i];
          for (int p = added; p <= added + 1 && shift != REJECTED; p++) {
            // the change just added, and the one that would now be the next new change
            int k = p - oc.candidates[i];
            if (k >= oc.holdRun0 && k < oc.run) {
              shift =
                  fits(o, table, oc, h, oc.candidates[i], k, shift, stores.heldEvent(o, table, k));
            }
          }
          if (shift != REJECTED) {
            keep[n] = oc.candidates[i];
            shifts[n++] = shift;
          }
        }
        oc.candidates = java.util.Arrays.copyOf(keep, n);
        oc.shifts = java.util.Arrays.copyOf(shifts, n);
      }
      tryResolve(o, table, oc, Long.MIN_VALUE);
      stores.putGtidCursor(o, table, oc);
    }
  }

  /**
   * Decides a held run as soon as the candidates agree: one left, or all of them put every held
   * change inside what the output holds. After the hold time, decides alone.
   */
  private void tryResolve(String source, String table, GtidCursor c, long newest) {
    Header h = header(table, c);
    boolean resolved =
        c.candidates.length <= 1 || c.candidates[c.candidates.length - 1] + c.run <= h.size();
    // Wall-clock time: a source far behind in commit time but catching up fast still gets to place
    // it, and a hold ends even when nothing more arrives (the punctuator calls expireOldestHold).
    if (!resolved && newest != Long.MIN_VALUE && newest - c.holdSinceMs > holdMs) {
      int inside = 0;
      boolean claim = transcripts.claimHolds(c.gtid, h, c.commitTs);
      while (claim && inside < c.candidates.length && c.candidates[inside] + c.run <= h.size()) {
        inside++;
      }
      // Keep the candidates the claimed complete reading puts inside; else the one that re-sends
      // least (the last).
      int from = inside > 0 ? 0 : c.candidates.length - 1;
      int to = inside > 0 ? inside : c.candidates.length;
      String decided =
          inside > 0
              ? "decided by "
                  + h.claimedBy()
                  + "'s complete reading of it ("
                  + h.size()
                  + " changes in this partition): the held changes are re-sends"
              : "decided alone, taking the resume that re-sends least (at change "
                  + (c.candidates[from] + 1)
                  + "): changes it took as new may repeat ones already delivered";
      anomalies.report(
          source,
          AnomalyKind.RESUME_UNALIGNED,
          "no other source placed its resume inside "
              + c.gtid
              + " within "
              + holdMs
              + " ms; "
              + decided,
          List.of(c.gtid));
      c.candidates = java.util.Arrays.copyOfRange(c.candidates, from, to);
      c.shifts = java.util.Arrays.copyOfRange(c.shifts, from, to);
      resolved = true;
      c.guessed = true;
    }
    if (!resolved) {
      return;
    }
    c.holding = false;
    stores.markHolding(source, table, false);
    transcripts.putHeader(table, c.gtid, c.commitTs, h.withWaiters(h.waiters() - 1));
    stores.forgetHeldEvents(source, table, c.holdRun0, c.run);
    c.mode = c.candidates.length == 0 ? Mode.LOST : Mode.ALIGNING;
    c.run = c.holdRun0;
    c.lastOrder = c.holdLastOrder0;
    c.position = c.holdPosition0;
    releases.add(new Release(source, table, c.holdHead, c.holdTail, c.holdSinceMs));
  }

  private Verdict lost(String source, GtidCursor c) {
    c.mode = Mode.LOST;
    anomalies.report(
        source,
        AnomalyKind.RESUME_UNALIGNED,
        "resumed inside transaction "
            + c.gtid
            + " with changes that fit no place of what the output holds of it; ignoring the rest"
            + " of that transaction from this source (another source delivers it)",
        List.of(c.gtid));
    return Verdict.drop("unaligned");
  }

  private Header header(String table, GtidCursor c) {
    Header h = transcripts.header(table, c.gtid, c.commitTs);
    return h == null ? Transcripts.EMPTY : h;
  }

  private static long seq(String gtid) {
    return parse(gtid).seq();
  }

  private static Gtid parse(String gtid) {
    try {
      return Gtid.parse(gtid);
    } catch (BadRecordException e) {
      throw new IllegalStateException("stored GTID is invalid: " + gtid, e);
    }
  }
}
