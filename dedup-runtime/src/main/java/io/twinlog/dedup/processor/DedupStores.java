package io.twinlog.dedup.processor;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.serde.StateValues;
import io.twinlog.dedup.serde.StateValues.ContentEntry;
import io.twinlog.dedup.serde.StateValues.PositionMark;
import io.twinlog.dedup.serde.StateValues.SnapshotEntry;
import io.twinlog.dedup.serde.StateValues.SourceCursor;
import io.twinlog.dedup.serde.StateValues.Watermark;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Typed access to one task's two state stores: {@code progress} (cursors, watermarks: a few entries
 * per partition, kept forever) and {@code seen} (changes identified by content, PostgreSQL changes
 * by WAL position, snapshot rows, all expired with the window).
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

  /** The source's place under the GTID rule in a table-partition, or null before its first. */
  GtidCursor gtidCursor(String source, String table) {
    byte[] bytes = progress.get("g|" + source + "|" + table);
    return bytes == null ? null : GtidCursor.decode(bytes);
  }

  void putGtidCursor(String source, String table, GtidCursor cursor) {
    progress.put("g|" + source + "|" + table, cursor.encode());
  }

  /** The newest GTID emitted for the table-partition and domain, or null. */
  public Watermark newestEmitted(String table, String domain) {
    byte[] bytes = progress.get("m|" + table + "|" + domain);
    return bytes == null ? null : StateValues.decodeWatermark(bytes);
  }

  void noteEmitted(String table, String domain, long seq, String gtid) {
    Watermark newest = newestEmitted(table, domain);
    if (newest == null || newest.seq() < seq) {
      progress.put("m|" + table + "|" + domain, StateValues.encode(new Watermark(seq, 0, gtid)));
    }
  }

  /** Marks (or unmarks) a source's lane as holding, so the hold clock finds it. */
  void markHolding(String source, String table, boolean holding) {
    String key = "H|" + source + "|" + table;
    if (holding) {
      progress.put(key, new byte[0]);
    } else {
      progress.delete(key);
    }
  }

  /** The lanes holding now, as {source, table}: few, so the scan is short. */
  java.util.List<String[]> holdingLanes() {
    java.util.List<String[]> lanes = new java.util.ArrayList<>();
    try (var it =
        progress.prefixScan("H|", new org.apache.kafka.common.serialization.StringSerializer())) {
      it.forEachRemaining(
          kv -> {
            String rest = kv.key.substring(2);
            int bar = rest.indexOf('|');
            lanes.add(new String[] {rest.substring(0, bar), rest.substring(bar + 1)});
          });
    }
    return lanes;
  }

  /** Keeps a record a source sent while its place was not known, n-th of its hold. */
  void hold(String source, String table, long n, HeldRecord record) {
    progress.put(heldKey(source, table, n), record.encode());
  }

  /** Takes the n-th held record out (null when there is none). */
  HeldRecord release(String source, String table, long n) {
    String key = heldKey(source, table, n);
    byte[] bytes = progress.get(key);
    if (bytes == null) {
      return null;
    }
    progress.delete(key);
    return HeldRecord.decode(bytes);
  }

  /** What the runtime checks of the i-th change of a held run when the transcript grows. */
  record HeldEvent(
      String digest,
      int order,
      char op,
      String canonicalKey,
      long beforeImage,
      long afterImage,
      int previous) {
    HeldEvent withPrevious(int p) {
      return new HeldEvent(digest, order, op, canonicalKey, beforeImage, afterImage, p);
    }
  }

  void putHeldEvent(String source, String table, int i, HeldEvent e) {
    String text =
        e.order()
            + "|"
            + e.op()
            + "|"
            + e.beforeImage()
            + "|"
            + e.afterImage()
            + "|"
            + e.previous()
            + "|"
            + e.digest()
            + "|"
            + e.canonicalKey();
    progress.put("a|" + source + "|" + table + "|" + i, text.getBytes(UTF_8));
  }

  HeldEvent heldEvent(String source, String table, int i) {
    byte[] bytes = progress.get("a|" + source + "|" + table + "|" + i);
    if (bytes == null) {
      return null;
    }
    String[] f = new String(bytes, UTF_8).split(Pattern.quote("|"), 7);
    return new HeldEvent(
        f[5],
        Integer.parseInt(f[0]),
        f[1].charAt(0),
        f[6],
        Long.parseLong(f[2]),
        Long.parseLong(f[3]),
        Integer.parseInt(f[4]));
  }

  /** Index of the last held change of a key in the source's held run, or -1. */
  int lastHeldOfKey(String source, String table, String keyDigest) {
    byte[] bytes = progress.get("ak|" + source + "|" + table + "|" + keyDigest);
    return bytes == null ? -1 : java.nio.ByteBuffer.wrap(bytes).getInt();
  }

  void putLastHeldOfKey(String source, String table, String keyDigest, int k) {
    progress.put(
        "ak|" + source + "|" + table + "|" + keyDigest,
        java.nio.ByteBuffer.allocate(4).putInt(k).array());
  }

  void forgetLastHeldOfKey(String source, String table, String keyDigest) {
    progress.delete("ak|" + source + "|" + table + "|" + keyDigest);
  }

  void forgetHeldEvents(String source, String table, int from, int to) {
    for (int i = from; i < to; i++) {
      HeldEvent e = heldEvent(source, table, i);
      if (e != null) {
        forgetLastHeldOfKey(source, table, EnvelopeParser.keyDigest(table, e.canonicalKey()));
        progress.delete("a|" + source + "|" + table + "|" + i);
      }
    }
  }

  private static String heldKey(String source, String table, long n) {
    return "b|" + source + "|" + table + "|" + n;
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
   * The GTID emitted first under this domain and sequence number within the window, or null: a
   * second server id under the same pair is a failover's diverged history.
   */
  String bySequence(String table, String domain, long seq, long ts) {
    byte[] bytes = latest("d|" + table + "|" + domain + "|" + seq, ts);
    return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  void putBySequence(String table, String domain, long seq, String gtid, long ts) {
    seen.put(
        "d|" + table + "|" + domain + "|" + seq,
        gtid.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        ts);
  }

  /**
   * The first GTID emitted under this domain and sequence number by the exact rule within the
   * window, and the source whose copy went out; or null.
   */
  String[] firstOfSequence(String table, String domain, long seq, long ts) {
    byte[] bytes = latest("dp|" + table + "|" + domain + "|" + seq, ts);
    return bytes == null
        ? null
        : new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\u0000", 2);
  }

  void putFirstOfSequence(
      String table, String domain, long seq, String gtid, String source, long ts) {
    seen.put(
        "dp|" + table + "|" + domain + "|" + seq,
        (gtid + "\u0000" + source).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        ts);
  }

  /**
   * Whether an exactly positioned change of this identity (see {@link PositionRule}) was emitted or
   * dead-lettered. A point read at its commit time: every copy of the change has the same one.
   */
  boolean exactSeen(String identity, long commitTs) {
    return seen.fetch("w|" + identity, commitTs) != null;
  }

  /**
   * Remembers an identity at its commit time, with the change's content digest when the identity is
   * a place that does not name it (null: one byte).
   */
  void putExactSeen(String identity, long commitTs, String content) {
    seen.put(
        "w|" + identity,
        content == null
            ? new byte[] {1}
            : content.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        commitTs);
  }

  /**
   * The content digest of the change emitted or dead-lettered under this identity, or null. A value
   * of the first format (one byte: PostgreSQL identities, which include the digest) reads as "".
   */
  String exactContent(String identity, long commitTs) {
    byte[] bytes = seen.fetch("w|" + identity, commitTs);
    if (bytes == null) {
      return null;
    }
    return bytes.length == 1 ? "" : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The last exactly positioned change emitted for the key, if it is still within the window. */
  PositionMark lastExactOfKey(String table, String keyDigest, long commitTs) {
    byte[] bytes = latest("wk|" + table + "|" + keyDigest, commitTs);
    return bytes == null ? null : StateValues.decodePositionMark(bytes);
  }

  void putLastExactOfKey(String table, String keyDigest, PositionMark mark) {
    seen.put("wk|" + table + "|" + keyDigest, StateValues.encode(mark), mark.tsMs());
  }

  /**
   * The newest exactly positioned change a source delivered in a table-partition (one entry per
   * source and table, kept forever), or null. A value of the first format (8 bytes) is a commit
   * time alone.
   */
  PositionMark newestDelivered(String source, String table) {
    byte[] bytes = progress.get("wd|" + source + "|" + table);
    if (bytes == null) {
      return null;
    }
    return bytes.length == 8
        ? PositionMark.ofCommit(java.nio.ByteBuffer.wrap(bytes).getLong())
        : StateValues.decodePositionMark(bytes);
  }

  void putNewestDelivered(String source, String table, PositionMark mark) {
    progress.put("wd|" + source + "|" + table, StateValues.encode(mark));
  }

  /**
   * A source's lane (source, table) whose exactly positioned changes are held because it was found
   * to have skipped changes: the next held record to release, the next free slot, and since when
   * (wall clock) the lane is held.
   */
  record HeldLane(long head, long tail, long sinceMs) {}

  HeldLane heldLane(String source, String table) {
    byte[] bytes = progress.get("wh|" + source + "|" + table);
    if (bytes == null) {
      return null;
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    return new HeldLane(b.getLong(), b.getLong(), b.getLong());
  }

  void putHeldLane(String source, String table, HeldLane lane) {
    progress.put(
        "wh|" + source + "|" + table,
        java.nio.ByteBuffer.allocate(24)
            .putLong(lane.head())
            .putLong(lane.tail())
            .putLong(lane.sinceMs())
            .array());
  }

  void deleteHeldLane(String source, String table) {
    progress.delete("wh|" + source + "|" + table);
  }

  /** The held lanes, as "source|table": few, read once when the task starts. */
  java.util.List<String> heldLanes() {
    java.util.List<String> lanes = new java.util.ArrayList<>();
    try (var it =
        progress.prefixScan("wh|", new org.apache.kafka.common.serialization.StringSerializer())) {
      it.forEachRemaining(kv -> lanes.add(kv.key.substring(3)));
    }
    return lanes;
  }

  /** Keeps the n-th record of a held lane, with its change's position mark. */
  void holdExact(String source, String table, long n, PositionMark mark, HeldRecord record) {
    byte[] encoded = record.encode();
    byte[] position = StateValues.encode(mark);
    progress.put(
        "wb|" + source + "|" + table + "|" + n,
        java.nio.ByteBuffer.allocate(4 + position.length + encoded.length)
            .putInt(position.length)
            .put(position)
            .put(encoded)
            .array());
  }

  /** The position mark of the n-th held record of a lane, or null if none. */
  PositionMark heldExactMark(String source, String table, long n) {
    byte[] bytes = progress.get("wb|" + source + "|" + table + "|" + n);
    if (bytes == null) {
      return null;
    }
    int length = java.nio.ByteBuffer.wrap(bytes).getInt();
    return StateValues.decodePositionMark(java.util.Arrays.copyOfRange(bytes, 4, 4 + length));
  }

  /** Takes the n-th held record of a lane out (null when there is none). */
  HeldRecord releaseExact(String source, String table, long n) {
    String key = "wb|" + source + "|" + table + "|" + n;
    byte[] bytes = progress.get(key);
    if (bytes == null) {
      return null;
    }
    progress.delete(key);
    int length = java.nio.ByteBuffer.wrap(bytes).getInt();
    return HeldRecord.decode(java.util.Arrays.copyOfRange(bytes, 4 + length, bytes.length));
  }

  /**
   * The newest value stored for the key within the window around {@code now}. The window store is
   * keyed by commit time ({@code source.ts_ms}), not Kafka time, so a backlog of old changes read
   * quickly is remembered as long as the same stretch of commit time is.
   */
  private byte[] latest(String key, long now) {
    return latest(seen, key, now, windowMs);
  }

  /**
   * The newest value of {@code key} in {@code store} within the window around {@code now}. A key
   * written at many commit times (a row's last state) has one entry per write in the window, so
   * this reads backwards and stops at the first: a forward scan would walk every version, a cost
   * that grows with the key's history.
   */
  static byte[] latest(WindowStore<String, byte[]> store, String key, long now, long windowMs) {
    try (WindowStoreIterator<byte[]> it =
        store.backwardFetch(key, Math.max(0, now - windowMs), now + windowMs)) {
      return it.hasNext() ? it.next().value : null;
    }
  }
}
