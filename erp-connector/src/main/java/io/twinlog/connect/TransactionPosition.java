package io.twinlog.connect;

import io.twinlog.contracts.SourceHeaders;
import io.twinlog.erp.Version;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Stamps a Debezium MariaDB/MySQL record with its place in its transaction: the {@code event} and
 * {@code row} of the record's own source offset, as the headers {@link SourceHeaders#TX_EVENT} and
 * {@link SourceHeaders#TX_ROW} (decimal strings, "0" when the offset has none).
 *
 * <p>Why the offset: Debezium renumbers {@code transaction.total_order} from 1 when it resumes
 * inside a transaction and gives every rows event of a transaction the same {@code file}/{@code
 * pos}, so nothing in the change envelope places a change in a large transaction across a restart.
 * The offset does, because it is what Debezium resumes from: {@code event} counts the transaction's
 * events from its GTID event on, {@code row} the row within the rows event, and a resume skips
 * exactly that many, so a re-sent change carries the numbers it had the first time; two replicas
 * that log the same events per transaction give a change the same numbers. The dedup runtime
 * identifies changes by them (docs/concepts/deduplication.md; TransactionPositionIT checks it
 * against real replicas and restarts).
 *
 * <p>The offset is not in the Kafka record, and a transform is the last place that still sees it;
 * records of other connectors than source ones pass unchanged.
 */
public final class TransactionPosition<R extends ConnectRecord<R>>
    implements Transformation<R>, Versioned {

  /** Debezium's offset key of the events of the transaction already emitted or skipped. */
  static final String EVENT_OFFSET_KEY = "event";

  /** Debezium's offset key of the rows of the current rows event already emitted. */
  static final String ROW_OFFSET_KEY = "row";

  private static final ConfigDef CONFIG = new ConfigDef();

  @Override
  public R apply(R record) {
    if (!(record instanceof SourceRecord source)) {
      return record;
    }
    Map<String, ?> offset = source.sourceOffset();
    String event = count(offset, EVENT_OFFSET_KEY);
    String row = count(offset, ROW_OFFSET_KEY);
    // Replace, not add: a record passed through twice (or a header from upstream) must not leave
    // two values for the dedup runtime to choose from.
    Headers headers = record.headers().duplicate();
    headers.remove(SourceHeaders.TX_EVENT).remove(SourceHeaders.TX_ROW);
    headers.addString(SourceHeaders.TX_EVENT, event).addString(SourceHeaders.TX_ROW, row);
    return record.newRecord(
        record.topic(),
        record.kafkaPartition(),
        record.keySchema(),
        record.key(),
        record.valueSchema(),
        record.value(),
        record.timestamp(),
        headers);
  }

  /**
   * The offset's count under {@code key} as a decimal string; Debezium omits a count of 0. Anything
   * but a whole number fails the task: a position the dedup runtime cannot trust must not be sent.
   */
  static String count(Map<String, ?> offset, String key) {
    Object value = offset == null ? null : offset.get(key);
    if (value == null) {
      return "0";
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return checked(((Number) value).longValue(), key, value);
    }
    if (value instanceof String text) {
      try {
        return checked(Long.parseLong(text.trim()), key, value);
      } catch (NumberFormatException e) {
        throw notACount(key, value);
      }
    }
    throw notACount(key, value);
  }

  private static String checked(long count, String key, Object value) {
    if (count < 0) {
      throw notACount(key, value);
    }
    return Long.toString(count);
  }

  private static DataException notACount(String key, Object value) {
    return new DataException(
        "source offset '"
            + key
            + "' is "
            + value
            + " ("
            + value.getClass().getName()
            + "), not a count of events or rows: is this a Debezium MariaDB/MySQL connector?");
  }

  @Override
  public ConfigDef config() {
    return CONFIG;
  }

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public void close() {}

  /** The plugin's version (the ERP sink's: one jar). */
  @Override
  public String version() {
    return Version.get();
  }
}
