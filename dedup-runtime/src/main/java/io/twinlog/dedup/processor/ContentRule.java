package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.StateValues.ContentEntry;
import io.twinlog.dedup.serde.StateValues.SourceCursor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deduplicates changes without a GTID (MySQL without GTIDs) within the window.
 *
 * <p>Identity is {@code (content digest, k)}: the k-th first-run occurrence of that content from a
 * source, so two identical but distinct changes (a flag flipped back and forth in one second) are
 * occurrences 1 and 2 from every source, and both are delivered. A source's own replays are
 * recognised by its binlog position and do not count as occurrences.
 */
final class ContentRule {
  private final DedupStores stores;
  private final AnomalySink anomalies;
  private final long windowMs;

  ContentRule(DedupStores stores, AnomalySink anomalies, long windowMs) {
    this.stores = stores;
    this.anomalies = anomalies;
    this.windowMs = windowMs;
  }

  /**
   * @param newestCommit the newest {@code source.ts_ms} seen in this task before this change
   */
  Verdict decide(String source, String table, ChangeEvent e, long newestCommit) {
    SourceCursor cursor = stores.cursor(source, table);
    ContentEntry entry = stores.content(table, e.contentHash(), e.tsMs());
    boolean beyondWindow = newestCommit != Long.MIN_VALUE && e.tsMs() + windowMs < newestCommit;
    if (cursor != null && isReplay(cursor, e)) {
      if ((entry != null && entry.occurrences(source) > 0) || beyondWindow) {
        return Verdict.drop("replay");
      }
      anomalies.report(
          source,
          AnomalyKind.POSITION_REGRESSED,
          "binlog position "
              + e.position()
              + " is not after the last one read ("
              + cursor.position()
              + ") but this change was never seen from this source; treating it as new");
    }
    stores.putCursor(
        source, table, new SourceCursor(e.position(), null, Math.max(0, e.totalOrder())));
    if (entry == null && beyondWindow) {
      return anomalies.beyondWindow(source, "change", e.tsMs(), windowMs, newestCommit);
    }
    int occurrence = (entry == null ? 0 : entry.occurrences(source)) + 1;
    Map<String, Integer> occurrences =
        entry == null ? new LinkedHashMap<>() : new LinkedHashMap<>(entry.occurrences());
    occurrences.put(source, occurrence);
    int emitted = entry == null ? 0 : entry.emitted();
    boolean emit = occurrence > emitted;
    stores.putContent(
        table,
        e.contentHash(),
        new ContentEntry(e.tsMs(), Math.max(emitted, occurrence), occurrences));
    return emit
        ? Verdict.emit("content/" + table + "/" + e.contentHash() + "/" + occurrence)
        : Verdict.drop("other-source");
  }

  /**
   * A source reads an event again after a restart: from an earlier transaction, or inside the same
   * one with {@code total_order} numbered from 1 again. (Positions alone cannot tell: every event
   * of a transaction carries the transaction's start position.)
   */
  private static boolean isReplay(SourceCursor cursor, ChangeEvent e) {
    if (e.totalOrder() < 0) {
      // No transaction metadata (provide.transaction.metadata=false): the position is all there is.
      return e.position().compareTo(cursor.position()) <= 0;
    }
    int byTransaction = e.position().compareTransaction(cursor.position());
    return byTransaction < 0 || (byTransaction == 0 && e.totalOrder() <= cursor.ordinal());
  }
}
