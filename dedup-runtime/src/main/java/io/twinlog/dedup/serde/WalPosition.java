package io.twinlog.dedup.serde;

/**
 * Where a PostgreSQL change sits in the primary's write-ahead log, as Debezium's PostgreSQL
 * connector reports it ({@code source.lsn}, {@code source.txId}). Physical replication copies the
 * WAL byte for byte, so a change has the same position on the primary and on every streaming
 * standby, and across a connector's restarts: unlike a MariaDB event's {@code total_order}, it
 * identifies the change wherever and whenever it is read.
 *
 * <p>Not unique on its own: the rows of one COPY (a heap multi-insert) share one WAL record, hence
 * one lsn, and after a failover the promoted standby writes new WAL at positions the old primary
 * had used for a tail it never received (transaction ids are reused the same way).
 *
 * @param lsn the log sequence number of the change's own WAL record
 * @param txId the transaction id of the change's transaction
 */
public record WalPosition(long lsn, long txId) implements ExactPosition {
  @Override
  public String identity() {
    return txId + "|" + lsn;
  }

  @Override
  public String changeId() {
    return "pg:" + txId + ":" + lsn;
  }

  /** Empty: the lsn does not say which timeline wrote it (a promoted standby reuses positions). */
  @Override
  public String history() {
    return "";
  }

  @Override
  public String domain() {
    return "";
  }

  @Override
  public long major() {
    return lsn;
  }

  @Override
  public long minor() {
    return 0;
  }
}
