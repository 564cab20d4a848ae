package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.serde.BadRecordException;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.Gtid;
import io.twinlog.dedup.serde.StateValues.SourceCursor;
import io.twinlog.dedup.serde.StateValues.Watermark;

/**
 * Deduplicates changes that carry a GTID, with O(sources + domains) state per table-partition.
 *
 * <p>A change's identity is {@code (gtid, n)} where n counts the GTID's events in this
 * topic-partition, in the order every replica emits them. n is counted by us, per source, from the
 * source's own binlog positions, because a connector resuming inside a transaction numbers the rest
 * of it from 1. An event at or before the source's last position is that source's own replay. A new
 * event is emitted iff {@code (seq, n)} is above the domain's watermark.
 */
final class GtidRule {
  private final DedupStores stores;
  private final AnomalySink anomalies;

  GtidRule(DedupStores stores, AnomalySink anomalies) {
    this.stores = stores;
    this.anomalies = anomalies;
  }

  Verdict decide(String source, String table, int partition, ChangeEvent e) {
    Gtid g = e.gtid();
    SourceCursor cursor = stores.cursor(source, table);
    Watermark watermark = stores.watermark(table, g.domain());
    if (cursor != null && e.position().compareTo(cursor.position()) <= 0) {
      if (watermark != null && g.seq() <= watermark.seq()) {
        return Verdict.drop("replay");
      }
      anomalies.report(
          source,
          AnomalyKind.POSITION_REGRESSED,
          "binlog position "
              + e.position()
              + " is not after the last one read ("
              + cursor.position()
              + ") but GTID "
              + g.text()
              + " was never emitted; treating it as new (replica rebuilt or binlog reset?)");
      cursor = null;
    }
    Gtid last = cursor == null ? null : lastGtid(cursor);
    int ordinal = last != null && last.text().equals(g.text()) ? cursor.ordinal() + 1 : 1;
    stores.putCursor(source, table, new SourceCursor(e.position(), g.text(), ordinal));
    String changeId = g.text() + "/" + table + "/" + partition + "/" + ordinal;
    if (last != null && last.sameDomain(g) && g.seq() < last.seq()) {
      anomalies.report(
          source,
          AnomalyKind.GTID_NOT_MONOTONIC,
          "GTID "
              + g.text()
              + " follows "
              + last.text()
              + " in this source's binlog: domain "
              + g.domain()
              + " is not strictly ordered (gtid_strict_mode off?); delivering it rather than risking"
              + " loss, downstream may see it twice under the same change id");
      return Verdict.emit(changeId);
    }
    if (watermark == null || watermark.compareTo(g.seq(), ordinal) < 0) {
      if (watermark != null
          && last != null
          && last.sameDomain(g)
          && watermark.compareTo(last.seq(), cursor.ordinal()) > 0) {
        anomalies.report(
            source,
            AnomalyKind.SOURCE_SKIPPED,
            "source went from "
                + last.text()
                + "#"
                + cursor.ordinal()
                + " to "
                + g.text()
                + "#"
                + ordinal
                + " without delivering "
                + watermark.gtid()
                + "#"
                + watermark.ordinal()
                + " (already emitted from another source): it resumed from an inconsistent"
                + " position and would have lost changes on its own");
      }
      stores.putWatermark(table, g.domain(), new Watermark(g.seq(), ordinal, g.text()));
      return Verdict.emit(changeId);
    }
    return Verdict.drop("other-source");
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
