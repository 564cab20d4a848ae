package io.twinlog.contracts;

/**
 * Headers that Twinlog's Connect transform ({@link #TRANSFORM}) stamps on every record a MariaDB or
 * MySQL source connector writes: the change's place inside its transaction, as Debezium's own
 * source offset counts it.
 *
 * <p>Why: Debezium renumbers {@code transaction.total_order} from 1 when a connector resumes inside
 * a transaction, and gives every rows event of a transaction the transaction's start {@code
 * file}/{@code pos}, so nothing in the envelope says where a change sits in a large transaction
 * once a connector has restarted there. The offset Debezium resumes from does: {@code event} counts
 * the transaction's binlog events before the change's rows event, from the transaction's GTID event
 * on, and {@code row} the change's row within that rows event. Debezium skips exactly that many
 * events and rows when it resumes, so a re-sent change carries the numbers it had the first time,
 * and two replicas that log the same events per transaction give a change the same numbers
 * (docs/concepts/deduplication.md).
 */
public final class SourceHeaders {
  private SourceHeaders() {}

  /** The transform's class, as connector configs name it. */
  public static final String TRANSFORM = "io.twinlog.connect.TransactionPosition";

  /** The alias the operator gives the transform in {@code transforms}. */
  public static final String TRANSFORM_ALIAS = "twinlogTxPosition";

  /**
   * Debezium's offset {@code event} for the change: the events of its transaction before its rows
   * event (the GTID event included), a decimal string; "0" when the offset has none.
   */
  public static final String TX_EVENT = "twinlog.tx.event";

  /**
   * Debezium's offset {@code row} for the change: its row within its rows event, counted from 1, a
   * decimal string; "0" when the offset has none.
   */
  public static final String TX_ROW = "twinlog.tx.row";
}
