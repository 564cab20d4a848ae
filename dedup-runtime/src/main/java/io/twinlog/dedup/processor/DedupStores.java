package io.twinlog.dedup.processor;

import io.twinlog.dedup.serde.StateValues;
import io.twinlog.dedup.serde.StateValues.ContentEntry;
import io.twinlog.dedup.serde.StateValues.SnapshotEntry;
import io.twinlog.dedup.serde.StateValues.SourceCursor;
import io.twinlog.dedup.serde.StateValues.Watermark;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Typed access to one task's two state stores: {@code progress} (cursors, watermarks: a few entries
 * per partition, kept forever) and {@code seen} (changes identified by content and snapshot rows,
 * expired with the window).
 */
public final class DedupStores {
  public static final String PROGRESS = "twinlog-dedup-progress";
  public static final String SEEN = "twinlog-dedup-seen";
  private static final String EMITTED = "e|";
  private static final String COUNT = "k|";

  private final KeyValueStore<String, byte[]> progress;
  private final WindowStore<String, byte[]> seen;
  private final long windowMs;

  public DedupStores(
      KeyValueStore<String, byte[]> progress, WindowStore<String, byte[]> seen, long windowMs) {
    this.progress = progress;
    this.seen = seen;
    this.windowMs = windowMs;
  }

  public SourceCursor cursor(String source, String table) {
    byte[] bytes = progress.get("c|" + source + "|" + table);
    return bytes == null ? null : StateValues.decodeCursor(bytes);
  }

  public void putCursor(String source, String table, SourceCursor cursor) {
    progress.put("c|" + source + "|" + table, StateValues.encode(cursor));
  }

  /**
   * Highest sequence number of the domain known to be complete in this table-partition: a source
   * read past it, and sources read in commit order, so all of it was emitted.
   */
  public Watermark completed(String table, String domain) {
    byte[] bytes = progress.get("w|" + table + "|" + domain);
    return bytes == null ? null : StateValues.decodeWatermark(bytes);
  }

  /** Raises the completed mark and forgets the per-change state of everything up to it. */
  public void complete(String table, String domain, long seq, String gtid) {
    Watermark done = completed(table, domain);
    if (done != null && done.seq() >= seq) {
      return;
    }
    progress.put("w|" + table + "|" + domain, StateValues.encode(new Watermark(seq, 0, gtid)));
    deleteRange(EMITTED + table + "|" + domain + "|", seq);
    deleteRange(COUNT + table + "|" + domain + "|", seq);
  }

  /** The newest GTID emitted for the table-partition and domain, or null. */
  public Watermark newestEmitted(String table, String domain) {
    byte[] bytes = progress.get("m|" + table + "|" + domain);
    return bytes == null ? null : StateValues.decodeWatermark(bytes);
  }

  /**
   * Counts one more occurrence of {@code hash} in GTID {@code seq} as read by {@code source} in its
   * current run through the transaction, and returns the count (1 for the first).
   */
  public int nextOccurrence(String source, String table, String domain, long seq, String hash) {
    String key = COUNT + table + "|" + domain + "|" + pad(seq) + "|" + source + "|" + hash;
    byte[] bytes = progress.get(key);
    int k = bytes == null ? 1 : java.nio.ByteBuffer.wrap(bytes).getInt() + 1;
    progress.put(key, java.nio.ByteBuffer.allocate(4).putInt(k).array());
    return k;
  }

  /** Forgets the source's occurrence counts in a transaction: it starts reading it (again). */
  public void restartOccurrences(String source, String table, String domain, long seq) {
    String prefix = COUNT + table + "|" + domain + "|" + pad(seq) + "|" + source + "|";
    deleteKeys(prefix, prefix + "\uffff");
  }

  /**
   * Records that the change {@code (gtid, hash, k)} was emitted; false when it already was (by any
   * source), true when this call is the first.
   */
  public boolean markEmitted(String table, String domain, long seq, String gtid, String hashK) {
    String key = EMITTED + table + "|" + domain + "|" + pad(seq) + "|" + hashK;
    if (progress.get(key) != null) {
      return false;
    }
    progress.put(key, new byte[0]);
    Watermark newest = newestEmitted(table, domain);
    if (newest == null || newest.seq() < seq) {
      progress.put("m|" + table + "|" + domain, StateValues.encode(new Watermark(seq, 0, gtid)));
    }
    return true;
  }

  private void deleteRange(String prefix, long upToSeq) {
    deleteKeys(prefix, prefix + pad(upToSeq) + "|\uffff");
  }

  private void deleteKeys(String from, String to) {
    java.util.List<String> keys = new java.util.ArrayList<>();
    try (var it = progress.range(from, to)) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(progress::delete);
  }

  /** Zero-padded so that the store's byte order is the numeric order of sequence numbers. */
  private static String pad(long seq) {
    return String.format("%020d", seq);
  }

  /** Newest {@code ts_ms} of any snapshot row emitted for the table in this partition. */
  public long snapshotHorizon(String table) {
    byte[] bytes = progress.get("s|" + table);
    return bytes == null ? Long.MIN_VALUE : java.nio.ByteBuffer.wrap(bytes).getLong();
  }

  public void putSnapshotHorizon(String table, long tsMs) {
    progress.put("s|" + table, java.nio.ByteBuffer.allocate(8).putLong(tsMs).array());
  }

  /** Newest {@code source.ts_ms} seen in this task: the clock of the {@code seen} window. */
  public long newestCommit() {
    byte[] bytes = progress.get("t|");
    return bytes == null ? Long.MIN_VALUE : java.nio.ByteBuffer.wrap(bytes).getLong();
  }

  public void putNewestCommit(long tsMs) {
    progress.put("t|", java.nio.ByteBuffer.allocate(8).putLong(tsMs).array());
  }

  public ContentEntry content(String table, String hash, long commitTs) {
    byte[] bytes = latest("h|" + table + "|" + hash, commitTs);
    return bytes == null ? null : StateValues.decodeContent(bytes);
  }

  public void putContent(String table, String hash, ContentEntry entry) {
    seen.put("h|" + table + "|" + hash, StateValues.encode(entry), entry.commitTs());
  }

  public SnapshotEntry snapshot(String table, String keyHash, long commitTs) {
    byte[] bytes = latest("r|" + table + "|" + keyHash, commitTs);
    return bytes == null ? null : StateValues.decodeSnapshot(bytes);
  }

  public void putSnapshot(String table, String keyHash, SnapshotEntry entry) {
    seen.put("r|" + table + "|" + keyHash, StateValues.encode(entry), entry.tsMs());
  }

  /**
   * The newest value stored for the key within the window around {@code now}. The window store is
   * keyed by commit time ({@code source.ts_ms}), not Kafka time, so a backlog of old changes read
   * quickly is remembered as long as the same stretch of commit time is.
   */
  private byte[] latest(String key, long now) {
    byte[] found = null;
    try (WindowStoreIterator<byte[]> it =
        seen.fetch(key, Math.max(0, now - windowMs), now + windowMs)) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> next = it.next();
        found = next.value;
      }
    }
    return found;
  }
}
