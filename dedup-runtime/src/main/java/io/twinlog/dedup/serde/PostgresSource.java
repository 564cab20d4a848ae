package io.twinlog.dedup.serde;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of the {@code source} block of Debezium's PostgreSQL connector (3.5) that the runtime
 * reads, in one place, so a rename is a one-line change (as found on real servers:
 * docs/concepts/postgresql-facts.md).
 *
 * <p>Not read on purpose: {@code sequence} ({@code ["<lastCommitLsn>","<lsn>"]}; its first element
 * is the end of the previous commit the connector saw, null after its start, so two replicas'
 * copies of one change can differ there), {@code xmin}, {@code origin}, {@code ts_us}, {@code
 * ts_ns}.
 */
public final class PostgresSource {
  /** {@code source.connector}: which Debezium connector wrote the event. */
  public static final String CONNECTOR_FIELD = "connector";

  /** The value of {@link #CONNECTOR_FIELD} for the PostgreSQL connector. */
  public static final String CONNECTOR = "postgresql";

  /** {@code source.lsn}: the change's own WAL position (int64). */
  public static final String LSN = "lsn";

  /** {@code source.txId}: the change's transaction id (int64). */
  public static final String TX_ID = "txId";

  /** {@code source.schema}: the table's schema, the middle part of the topic name. */
  public static final String SCHEMA = "schema";

  private PostgresSource() {}

  /** Whether a change's {@code source} block is the PostgreSQL connector's. */
  public static boolean is(JsonNode source) {
    JsonNode connector = source.get(CONNECTOR_FIELD);
    if (connector != null && connector.isTextual()) {
      return CONNECTOR.equals(connector.asText());
    }
    // An older or trimmed envelope without the connector name: only PostgreSQL reports an lsn.
    return source.has(LSN);
  }

  /** The change's WAL position; a PostgreSQL change without one is not a usable change event. */
  public static WalPosition position(JsonNode source) throws BadRecordException {
    return new WalPosition(int64(source, LSN), int64(source, TX_ID));
  }

  private static long int64(JsonNode source, String field) throws BadRecordException {
    JsonNode value = source.get(field);
    if (value == null || value.isNull()) {
      throw new BadRecordException(
          "payload.source." + field + " is missing (a PostgreSQL change needs its WAL position)");
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new BadRecordException(
          "payload.source." + field + " is " + value + ", not a 64-bit integer");
    }
    return value.asLong();
  }
}
