package io.twinlog.erp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twinlog.erp.ErpSinkConfig.BodyFormat;
import io.twinlog.erp.ErpSinkConfig.TombstoneMode;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import org.apache.kafka.connect.sink.SinkRecord;

/** Maps a sink record to what is sent for it: the body element, its key identity and its key. */
final class ChangeMapper {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The result of mapping one record. */
  sealed interface Mapping permits Send, Skip, Unmappable {}

  /**
   * A record to send: {@code orderKey} groups records that must stay in order, {@code
   * idempotencyKey} is stable across retries and restarts, {@code body} is one JSON value.
   */
  record Send(String orderKey, String idempotencyKey, byte[] body) implements Mapping {}

  /** A tombstone skipped by configuration. */
  record Skip() implements Mapping {}

  /** A record that cannot be turned into a request body; it goes to the dead-letter topic. */
  record Unmappable(String orderKey, String idempotencyKey, String reason) implements Mapping {}

  private final BodyFormat format;
  private final TombstoneMode tombstones;

  ChangeMapper(BodyFormat format, TombstoneMode tombstones) {
    this.format = format;
    this.tombstones = tombstones;
  }

  Mapping map(SinkRecord record) {
    JsonNode key = keyTree(record.key());
    String orderKey =
        record.key() == null
            // Without a key, order is kept per partition.
            ? record.topic() + "\u0000#" + record.kafkaPartition()
            : record.topic() + "\u0000" + JsonValues.canonical(key);
    String changeId = IdempotencyKeys.changeId(record);
    if (record.value() == null) {
      if (tombstones == TombstoneMode.SKIP) {
        return new Skip();
      }
      String id =
          changeId != null
              ? changeId
              : IdempotencyKeys.fallback(record.topic(), key, null, record.timestamp());
      return new Send(orderKey, id, JsonValues.bytes(tombstone(record.topic(), key, id)));
    }
    JsonNode value;
    try {
      value = JsonValues.toTree(record.value());
    } catch (JsonValues.NotJsonException e) {
      if (format == BodyFormat.RAW) {
        String text = record.value().toString();
        String id =
            changeId != null
                ? changeId
                : IdempotencyKeys.hash("text", record.topic(), JsonValues.canonical(key), text);
        return new Send(orderKey, id, JsonValues.bytes(NODES.textNode(text)));
      }
      String id =
          changeId != null
              ? changeId
              : IdempotencyKeys.hash(
                  "text", record.topic(), JsonValues.canonical(key), record.value().toString());
      return new Unmappable(orderKey, id, "value is " + e.getMessage());
    }
    String id =
        changeId != null
            ? changeId
            : IdempotencyKeys.fallback(record.topic(), key, value, record.timestamp());
    if (format == BodyFormat.RAW) {
      // Send a string value byte for byte, as the source wrote it.
      byte[] body =
          record.value() instanceof String text
              ? text.getBytes(StandardCharsets.UTF_8)
              : JsonValues.bytes(value);
      return new Send(orderKey, id, body);
    }
    if (!value.isObject() || !value.hasNonNull("op")) {
      return new Unmappable(
          orderKey,
          id,
          "value is not a Debezium change event (no op field); use erp.body.format=raw");
    }
    return new Send(orderKey, id, JsonValues.bytes(change(record.topic(), key, value, id)));
  }

  static ObjectNode change(String topic, JsonNode key, JsonNode value, String changeId) {
    JsonNode source = value.path("source");
    ObjectNode out = NODES.objectNode();
    out.put("table", table(topic, source));
    out.set("op", value.get("op"));
    out.set("key", key == null ? NODES.nullNode() : key);
    out.set("before", value.hasNonNull("before") ? value.get("before") : NODES.nullNode());
    out.set("after", value.hasNonNull("after") ? value.get("after") : NODES.nullNode());
    out.set("sourceTsMs", source.hasNonNull("ts_ms") ? source.get("ts_ms") : NODES.nullNode());
    JsonNode transactionId = value.path("transaction").path("id");
    out.set("transactionId", transactionId.isMissingNode() ? NODES.nullNode() : transactionId);
    out.put("changeId", changeId);
    return out;
  }

  static ObjectNode tombstone(String topic, JsonNode key, String changeId) {
    ObjectNode out = NODES.objectNode();
    out.put("table", table(topic, NODES.missingNode()));
    out.put("op", "d");
    out.set("key", key == null ? NODES.nullNode() : key);
    out.putNull("before");
    out.putNull("after");
    out.putNull("sourceTsMs");
    out.putNull("transactionId");
    out.put("changeId", changeId);
    out.put("tombstone", true);
    return out;
  }

  /** {@code db.table} (or {@code db.schema.table}) from the source block, else from the topic. */
  static String table(String topic, JsonNode source) {
    if (source.hasNonNull("table")) {
      StringJoiner joiner = new StringJoiner(".");
      for (String part : new String[] {"db", "schema"}) {
        if (source.hasNonNull(part) && !source.get(part).asText().isEmpty()) {
          joiner.add(source.get(part).asText());
        }
      }
      joiner.add(source.get("table").asText());
      return joiner.toString();
    }
    // Debezium and dedup topics end in <database>.<table>.
    String[] parts = topic.split("\\.");
    return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : topic;
  }

  private static JsonNode keyTree(Object key) {
    if (key == null) {
      return null;
    }
    try {
      return JsonValues.toTree(key);
    } catch (JsonValues.NotJsonException e) {
      return NODES.textNode(key.toString());
    }
  }
}
