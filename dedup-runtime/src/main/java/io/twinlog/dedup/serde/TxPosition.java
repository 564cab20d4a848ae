package io.twinlog.dedup.serde;

/**
 * A MariaDB or MySQL change's place in its primary's history: its transaction's GTID and its place
 * inside that transaction as Debezium's source offset counts it (the {@code twinlog.tx.event} and
 * {@code twinlog.tx.row} headers Twinlog's Connect transform copies from that offset, see
 * io.twinlog.contracts.SourceHeaders). A resumed connector skips exactly that many events and rows,
 * so a re-sent change carries the numbers it had the first time, and replicas that log the same
 * events per transaction agree on them; {@code transaction.total_order} does neither.
 *
 * @param event the transaction's binlog events before the change's rows event
 * @param row the change's row within its rows event, from 1
 */
public record TxPosition(Gtid gtid, long event, long row) implements ExactPosition {
  /** Room for a row index within one rows event (a rows event holds far fewer). */
  private static final int ROW_BITS = 24;

  @Override
  public String identity() {
    return gtid.text() + "|" + event + "|" + row;
  }

  @Override
  public String changeId() {
    return "gtid:" + gtid.text() + ":" + event + "." + row;
  }

  @Override
  public String history() {
    return gtid.domain() + "-" + gtid.server();
  }

  @Override
  public String domain() {
    return gtid.domain();
  }

  @Override
  public long major() {
    return gtid.seq();
  }

  @Override
  public long minor() {
    return (event << ROW_BITS) | Math.min(row, (1L << ROW_BITS) - 1);
  }

  /** The event part of a {@link #minor()}. */
  public static long event(long minor) {
    return minor >>> ROW_BITS;
  }

  /** The row part of a {@link #minor()}. */
  public static long row(long minor) {
    return minor & ((1L << ROW_BITS) - 1);
  }
}
