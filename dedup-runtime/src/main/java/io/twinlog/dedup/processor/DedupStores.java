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

  public Watermark watermark(String table, String domain) {
    byte[] bytes = progress.get("w|" + table + "|" + domain);
    return bytes == null ? null : StateValues.decodeWatermark(bytes);
  }

  public void putWatermark(String table, String domain, Watermark watermark) {
    progress.put("w|" + table + "|" + domain, StateValues.encode(watermark));
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
