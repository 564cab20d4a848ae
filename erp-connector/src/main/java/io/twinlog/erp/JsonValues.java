package io.twinlog.erp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Turns what a converter hands the task (a JSON string from StringConverter, a Map from
 * JsonConverter without schemas, a Struct with schemas) into one JSON tree.
 */
final class JsonValues {
  private JsonValues() {}

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Thrown when a string value is not JSON; the record cannot be mapped. */
  static final class NotJsonException extends Exception {
    NotJsonException(String message) {
      super(message);
    }
  }

  /**
   * The JSON tree of a key or value; null stays null. A JsonConverter envelope with {@code schema}
   * and {@code payload} is unwrapped to its payload.
   */
  static JsonNode toTree(Object value) throws NotJsonException {
    if (value == null) {
      return null;
    }
    JsonNode tree;
    if (value instanceof String text) {
      try {
        tree = MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new NotJsonException(
            "not JSON (" + e.getOriginalMessage() + "); use erp.body.format=raw or a JSON topic");
      }
    } else if (value instanceof byte[] bytes) {
      return toTree(new String(bytes, StandardCharsets.UTF_8));
    } else {
      tree = convert(value);
    }
    return unwrapEnvelope(tree);
  }

  static JsonNode unwrapEnvelope(JsonNode tree) {
    if (tree != null
        && tree.isObject()
        && tree.size() == 2
        && tree.has("schema")
        && tree.has("payload")) {
      return tree.get("payload");
    }
    return tree;
  }

  private static JsonNode convert(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof Struct struct) {
      ObjectNode node = NODES.objectNode();
      for (Field field : struct.schema().fields()) {
        node.set(field.name(), convert(struct.get(field)));
      }
      return node;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode node = NODES.objectNode();
      map.forEach((k, v) -> node.set(String.valueOf(k), convert(v)));
      return node;
    }
    if (value instanceof Collection<?> list) {
      ArrayNode node = NODES.arrayNode();
      list.forEach(item -> node.add(convert(item)));
      return node;
    }
    if (value instanceof byte[] bytes) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof Date date) {
      return NODES.numberNode(date.getTime());
    }
    return MAPPER.valueToTree(value);
  }

  /** A canonical text (object fields sorted at every depth) so equal trees hash equally. */
  static String canonical(JsonNode node) {
    if (node == null) {
      return "null";
    }
    try {
      return MAPPER.writeValueAsString(sorted(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = NODES.objectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      for (String name : names) {
        out.set(name, sorted(node.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(item -> out.add(sorted(item)));
      return out;
    }
    return node;
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
