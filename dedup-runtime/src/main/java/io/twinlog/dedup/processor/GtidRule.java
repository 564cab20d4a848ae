package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.serde.BadRecordException;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.Gtid;
import io.twinlog.dedup.serde.StateValues.SourceCursor;
import io.twinlog.dedup.serde.StateValues.Watermark;

/**
 * Deduplicates changes that carry a GTID.
 *
 * <p>A change's identity is {@code (gtid, content digest, k)}: the k-th change with that content
 * (table, key, op, before, after) in that transaction. Every replica emits the same changes of a
 * transaction in the same order, so the identity is replica-independent. It does not rest on binlog
 * positions (Debezium gives every rows event of a transaction the same {@code source.pos}, and
 * {@code source.row} restarts at 0 per event) nor on {@code transaction.total_order} (a connector
 * resuming inside a transaction numbers the rest of it from 1). A source that starts a transaction
 * again, after a restart, counts its occurrences again from there.
 *
 * <p>State stays small: per table-partition and GTID domain a "completed" mark, the highest
 * sequence number some source has read past (sources read in commit order, so everything up to it
 * was emitted), and the identities of the transactions above it only.
 */
final class GtidRule {
  private final DedupStores stores;
  private final AnomalySink anomalies;

  GtidRule(DedupStores stores, AnomalySink anomalies) {
    this.stores = stores;
    this.anomalies = anomalies;
  }

  Verdict decide(String source, String table, ChangeEvent e) {
    Gtid g = e.gtid();
    SourceCursor cursor = stores.cursor(source, table);
    Gtid last = cursor == null ? null : lastGtid(cursor);
    boolean sameTransaction = last != null && last.text().equals(g.text());
    boolean resumedInside =
        sameTransaction && e.totalOrder() > 0 && e.totalOrder() <= cursor.ordinal();
    if (last != null && !sameTransaction && last.sameDomain(g)) {
      if (g.seq() > last.seq()) {
        reportSkip(source, table, last, g);
        // This source read past everything before g: all of it is in the output.
        stores.complete(table, g.domain(), g.seq() - 1, last.text());
      } else if (e.position().compareTo(cursor.position()) > 0) {
        anomalies.report(
            source,
            AnomalyKind.GTID_NOT_MONOTONIC,
            "GTID "
                + g.text()
                + " follows "
                + last.text()
                + " further on in this source's binlog: domain "
                + g.domain()
                + " is not strictly ordered (gtid_strict_mode off?)");
      }
    }
    if (!sameTransaction || resumedInside) {
      stores.restartOccurrences(source, table, g.domain(), g.seq());
    }
    stores.putCursor(
        source, table, new SourceCursor(e.position(), g.text(), Math.max(0, e.totalOrder())));

    Watermark completed = stores.completed(table, g.domain());
    if (completed != null && g.seq() <= completed.seq()) {
      // Its own replay when this source had read this far already; else another source was first.
      boolean ownReplay =
          resumedInside || (last != null && last.sameDomain(g) && last.seq() > g.seq());
      return Verdict.drop(ownReplay ? "replay" : "other-source");
    }
    int k = stores.nextOccurrence(source, table, g.domain(), g.seq(), e.contentHash());
    String hashK = e.contentHash() + "/" + k;
    if (!stores.markEmitted(table, g.domain(), g.seq(), g.text(), hashK)) {
      return Verdict.drop("other-source");
    }
    return Verdict.emit(g.text() + "/" + table + "/" + hashK);
  }

  /** A source that moves from {@code last} to {@code next} over an emitted GTID skipped it. */
  private void reportSkip(String source, String table, Gtid last, Gtid next) {
    Watermark newest = stores.newestEmitted(table, next.domain());
    if (newest != null && newest.seq() > last.seq() && newest.seq() < next.seq()) {
      anomalies.report(
          source,
          AnomalyKind.SOURCE_SKIPPED,
          "source went from "
              + last.text()
              + " to "
              + next.text()
              + " without delivering "
              + newest.gtid()
              + " (already emitted from another source): it resumed from an inconsistent"
              + " position and would have lost changes on its own");
    }
  }

  private static Gtid lastGtid(SourceCursor cursor) {
    if (cursor.gtid() == null) {
      return null;
    }
    try {
      return Gtid.parse(cursor.gtid());
    } catch (BadRecordException e) {
      throw new IllegalStateException("stored GTID is invalid: " + cursor.gtid(), e);
    }
  }
}
