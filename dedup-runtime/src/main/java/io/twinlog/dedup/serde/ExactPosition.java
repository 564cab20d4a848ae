package io.twinlog.dedup.serde;

/**
 * Where a change sits in its primary's history, the same in every replica's copy of it and across a
 * connector's restarts: a PostgreSQL change's WAL position ({@link WalPosition}), or a MariaDB or
 * MySQL change's GTID and place inside its transaction ({@link TxPosition}). The exact-position
 * rule decides by it alone, whatever a source re-sent or skipped (docs/concepts/deduplication.md).
 *
 * <p>Positions order a key's changes only within one {@link #history()}: one primary's binlog, in
 * which they are commit order. Across histories (a failover, or PostgreSQL, whose positions do not
 * say which timeline wrote them) commit time orders, and the position breaks a tie within one
 * {@link #domain()}.
 */
public sealed interface ExactPosition permits WalPosition, TxPosition {
  /** The position's part of a change's identity (the content digest and the table complete it). */
  String identity();

  /**
   * The change id's position part, readable: {@code pg:<txId>:<lsn>}, {@code gtid:<gtid>:<e>.<r>}.
   */
  String changeId();

  /**
   * The history within which positions are commit order: MariaDB's {@code domain-server}; empty
   * when the position does not say (PostgreSQL).
   */
  String history();

  /** Within one domain positions compare (as a tie-break across histories); across, never. */
  String domain();

  /** The coarse position: the lsn, or the GTID's sequence number. */
  long major();

  /** The fine position within {@link #major()}: 0, or event and row inside the transaction. */
  long minor();
}
