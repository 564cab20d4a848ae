package io.twinlog.dedup.serde;

/**
 * The parts of a Debezium change event the deduplicator needs.
 *
 * @param op {@code c}, {@code u}, {@code d} or {@code r} (snapshot read)
 * @param gtid null when the source runs without GTIDs, and for snapshot rows
 * @param position null for snapshot rows
 * @param tsMs {@code source.ts_ms}: commit time on the primary (whole seconds on MariaDB)
 * @param canonicalKey the message key's payload as compact JSON (schema envelope removed)
 * @param contentHash what every replica agrees on: with a GTID, digest of table, key, op, before
 *     and after; without, the same plus {@code source.ts_ms}; for snapshot rows: digest of table
 *     and key
 * @param totalOrder {@code transaction.total_order}, or -1 when the event has no transaction block
 * @param beforeImage 64-bit hash of the {@code before} image ({@link #NO_IMAGE} when null)
 * @param afterImage 64-bit hash of the {@code after} image ({@link #NO_IMAGE} when null): with full
 *     row images a key's next change starts from it, which places a change that could be new
 * @param exact where the change sits in its primary's history, exactly: the WAL position of a
 *     PostgreSQL change, or a MariaDB/MySQL change's GTID and place in its transaction when its
 *     connector runs Twinlog's transform; null otherwise, and for snapshot rows. For a PostgreSQL
 *     change {@code contentHash} also covers {@code source.ts_ms} (the commit time, identical on
 *     every replica), which tells a failover's reused position apart
 */
public record ChangeEvent(
    char op,
    Gtid gtid,
    BinlogPosition position,
    long tsMs,
    String canonicalKey,
    String contentHash,
    int totalOrder,
    long beforeImage,
    long afterImage,
    ExactPosition exact) {
  /** The image hash of a null image (before of an insert, after of a delete). */
  public static final long NO_IMAGE = 0L;

  public boolean snapshot() {
    return op == 'r';
  }
}
