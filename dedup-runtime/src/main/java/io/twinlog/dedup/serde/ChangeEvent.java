package io.twinlog.dedup.serde;

/**
 * The parts of a Debezium change event the deduplicator needs.
 *
 * @param op {@code c}, {@code u}, {@code d} or {@code r} (snapshot read)
 * @param gtid null when the source runs without GTIDs, and for snapshot rows
 * @param position null for snapshot rows
 * @param tsMs {@code source.ts_ms}: commit time on the primary (whole seconds on MariaDB)
 * @param canonicalKey the message key's payload as compact JSON (schema envelope removed)
 * @param contentHash without GTID: digest of table, key, op, before, after and {@code source.ts_ms}
 *     (what replicas agree on); for snapshot rows: digest of table and key; null when a GTID
 *     identifies the change
 */
public record ChangeEvent(
    char op,
    Gtid gtid,
    BinlogPosition position,
    long tsMs,
    String canonicalKey,
    String contentHash) {

  public boolean snapshot() {
    return op == 'r';
  }
}
