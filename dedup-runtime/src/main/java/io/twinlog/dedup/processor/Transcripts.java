package io.twinlog.dedup.processor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.state.WindowStore;

/**
 * What the output holds of each GTID transaction in one table-partition, kept in the {@code seen}
 * window store at the transaction's commit time ({@code source.ts_ms}, the same from every
 * replica), so it expires with the window and every lookup is a point read in one segment.
 *
 * <ul>
 *   <li>{@code t|table|gtid}: the transcript's header (size, whether a source read it whole);
 *   <li>{@code x|table|gtid|i}: the i-th change emitted of it (content digest, {@code total_order}
 *       in the transcript's numbering, occurrence of that content so far);
 *   <li>{@code o|table|gtid|digest}: occurrences of a content in it (for the change id);
 *   <li>{@code l|table|key digest}: the GTID and after image of the last change emitted for a key
 *       (per-key order; a new change of the key starts from that image);
 *   <li>{@code d|table|domain|seq}: the GTID emitted under a domain and sequence number (a second
 *       one with another server id means the sources' histories diverged);
 *   <li>{@code p|gtid|source}: the source left the transaction short of what the output holds of
 *       it, in some table of this partition: its claim to have read it whole elsewhere is void.
 * </ul>
 */
final class Transcripts {
  /** A transcript's header. {@code claimedBy} is the source that read it whole, if one did. */
  record Header(int size, boolean complete, String claimedBy, int waiters) {
    Header withSize(int n) {
      return new Header(n, complete, claimedBy, waiters);
    }

    Header completedBy(String source) {
      return new Header(size, true, source, waiters);
    }

    Header reopened() {
      return new Header(size, false, null, waiters);
    }

    Header withWaiters(int w) {
      return new Header(size, complete, claimedBy, Math.max(0, w));
    }
  }

  /** One emitted change of a transcript. */
  /**
   * One change of the transcript.
   *
   * @param guessed written by a source whose place in the transaction was inferred, not matched
   */
  record Entry(String digest, long order, int occurrence, boolean guessed) {}

  static final Header EMPTY = new Header(0, false, null, 0);

  private final WindowStore<String, byte[]> seen;
  private final long windowMs;

  Transcripts(WindowStore<String, byte[]> seen, long windowMs) {
    this.seen = seen;
    this.windowMs = windowMs;
  }

  Header header(String table, String gtid, long ts) {
    byte[] bytes = seen.fetch("t|" + table + "|" + gtid, ts);
    if (bytes == null) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int size = in.getInt();
    boolean complete = in.get() == 1;
    int waiters = in.getInt();
    String claimedBy = in.remaining() > 0 ? StandardCharsets.UTF_8.decode(in).toString() : null;
    return new Header(size, complete, claimedBy, waiters);
  }

  void putHeader(String table, String gtid, long ts, Header h) {
    byte[] claimed =
        h.claimedBy() == null ? new byte[0] : h.claimedBy().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(9 + claimed.length);
    out.putInt(h.size()).put((byte) (h.complete() ? 1 : 0)).putInt(h.waiters()).put(claimed);
    seen.put("t|" + table + "|" + gtid, out.array(), ts);
  }

  Entry entry(String table, String gtid, long ts, int i) {
    byte[] bytes = seen.fetch("x|" + table + "|" + gtid + "|" + i, ts);
    if (bytes == null) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    long order = in.getLong();
    int occurrence = in.getInt(); // negative: guessed (occurrences count from 1)
    return new Entry(
        StandardCharsets.US_ASCII.decode(in).toString(),
        order,
        Math.abs(occurrence),
        occurrence < 0);
  }

  void putEntry(String table, String gtid, long ts, int i, Entry e) {
    byte[] digest = e.digest().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(12 + digest.length);
    out.putLong(e.order()).putInt(e.guessed() ? -e.occurrence() : e.occurrence()).put(digest);
    seen.put("x|" + table + "|" + gtid + "|" + i, out.array(), ts);
  }

  /** Counts one more occurrence of {@code digest} in the transcript and returns it (1 first). */
  int nextOccurrence(String table, String gtid, long ts, String digest) {
    String key = "o|" + table + "|" + gtid + "|" + digest;
    byte[] bytes = seen.fetch(key, ts);
    int k = bytes == null ? 1 : ByteBuffer.wrap(bytes).getInt() + 1;
    seen.put(key, ByteBuffer.allocate(4).putInt(k).array(), ts);
    return k;
  }

  /** The last change emitted for a key: its GTID and the hash of its after image. */
  /** The last change emitted for a key: its GTID, after-image hash and commit time. */
  record KeyState(String gtid, long afterImage, long tsMs) {}

  /** The last change emitted for the key within the window, or null. */
  KeyState lastOfKey(String table, String keyDigest, long ts) {
    byte[] bytes = latest("l|" + table + "|" + keyDigest, ts);
    if (bytes == null) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    long after = in.getLong();
    long tsMs = in.getLong();
    return new KeyState(StandardCharsets.UTF_8.decode(in).toString(), after, tsMs);
  }

  void putLastOfKey(String table, String keyDigest, KeyState state, long ts) {
    byte[] gtid = state.gtid().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out =
        ByteBuffer.allocate(16 + gtid.length)
            .putLong(state.afterImage())
            .putLong(state.tsMs())
            .put(gtid);
    seen.put("l|" + table + "|" + keyDigest, out.array(), ts);
  }

  /**
   * The source was seen to leave transaction {@code gtid} short of what the output holds of it (in
   * any table of this partition). Its connector reads all tables of a transaction in one pass, so a
   * re-seed or stop inside it that one table shows holds for the others too.
   */
  void markReadPartly(String gtid, String source, long ts) {
    seen.put("p|" + gtid + "|" + source, new byte[] {1}, ts);
  }

  /** Whether {@link #markReadPartly} was called for the source and transaction in the window. */
  boolean readPartly(String gtid, String source, long ts) {
    return seen.fetch("p|" + gtid + "|" + source, ts) != null;
  }

  /**
   * Whether the header's claim (a source read the transaction whole in this table and went on) can
   * be believed: the claimer was not seen to leave it short in another table.
   */
  boolean claimHolds(String gtid, Header h, long ts) {
    return h.complete() && !readPartly(gtid, h.claimedBy(), ts);
  }

  private byte[] latest(String key, long ts) {
    return DedupStores.latest(seen, key, ts, windowMs);
  }
}
