package io.twinlog.erp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinlog.contracts.ChangeHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The idempotency key of a record: the dedup runtime's change id header when present, else a
 * SHA-256 over the topic, the key and the Debezium source position (see docs/concepts/delivery.md).
 * Never the topic/partition/offset, which a dedup rebuild changes.
 */
final class IdempotencyKeys {
  private IdempotencyKeys() {}

  /** Prefix of fallback keys, so an ERP operator can tell them from change ids. */
  static final String FALLBACK_PREFIX = "fb1-";

  /**
   * The Debezium source fields that pin an event's position (MySQL/MariaDB binlog, Postgres LSN,
   * SQL Server, Oracle); fields naming the connector or the capture time are left out.
   */
  static final List<String> POSITION_FIELDS =
      List.of(
          "server_id",
          "gtid",
          "file",
          "pos",
          "row",
          "ts_ms",
          "lsn",
          "txId",
          "sequence",
          "commit_lsn",
          "change_lsn",
          "event_serial_no",
          "scn",
          "commit_scn");

  /** The change id header as a string, or null when the record has none. */
  static String changeId(SinkRecord record) {
    if (record.headers() == null) {
      return null;
    }
    Header header = record.headers().lastWithName(ChangeHeaders.CHANGE_ID);
    if (header == null || header.value() == null) {
      return null;
    }
    Object value = header.value();
    String id =
        value instanceof byte[] bytes
            ? new String(bytes, StandardCharsets.UTF_8)
            : value instanceof String text ? text : Values.convertToString(header.schema(), value);
    return id == null || id.isBlank() ? null : id;
  }

  /**
   * The fallback for a record without a change id. {@code value} is the unwrapped JSON value (null
   * for a tombstone).
   */
  static String fallback(String topic, JsonNode key, JsonNode value, Long timestamp) {
    if (value == null || value.isNull()) {
      // A tombstone has no position of its own; its Kafka timestamp is copied from the delete.
      return hash("tombstone", topic, JsonValues.canonical(key), String.valueOf(timestamp));
    }
    JsonNode source = value.get("source");
    ObjectNode position = JsonNodeFactory.instance.objectNode();
    if (source != null && source.isObject()) {
      for (String field : POSITION_FIELDS) {
        JsonNode fieldValue = source.get(field);
        if (fieldValue != null && !fieldValue.isNull()) {
          position.set(field, fieldValue);
        }
      }
    }
    String op = value.path("op").asText("");
    if (!position.isEmpty()) {
      return hash("position", topic, JsonValues.canonical(key), op, JsonValues.canonical(position));
    }
    // No position at all (not a Debezium envelope): identical content means identical key.
    return hash("content", topic, JsonValues.canonical(key), JsonValues.canonical(value));
  }

  static String hash(String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        // Length-prefixed, so ("ab","c") and ("a","bc") differ.
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
      }
      return FALLBACK_PREFIX + HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A request key for a batch: stable for the same records in the same order. */
  static String ofBatch(List<String> recordKeys) {
    if (recordKeys.size() == 1) {
      return recordKeys.get(0);
    }
    return "batch-" + hash(recordKeys.toArray(String[]::new)).substring(FALLBACK_PREFIX.length());
  }
}
