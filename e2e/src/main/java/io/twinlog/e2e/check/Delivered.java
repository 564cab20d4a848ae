package io.twinlog.e2e.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.workload.RowKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One change as the ERP received it, parsed from the sink's JSON body ({@code table}, {@code op},
 * {@code key}, {@code after}, {@code changeId}); a batched body (a JSON array) yields several.
 */
public record Delivered(
    RowKey key, String op, Map<String, String> after, String idempotencyKey, Instant receivedAt) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The changes carried by one request. */
  public static List<Delivered> parse(ErpRequest request) {
    JsonNode body;
    try {
      body = JSON.readTree(request.body());
    } catch (IOException e) {
      throw new UncheckedIOException("ERP got a body that is not JSON: " + request.body(), e);
    }
    List<Delivered> changes = new ArrayList<>();
    if (body.isArray()) {
      body.forEach(element -> changes.add(one(element, null, request.receivedAt())));
    } else {
      changes.add(one(body, request.idempotencyKey(), request.receivedAt()));
    }
    return changes;
  }

  private static Delivered one(JsonNode change, String header, Instant receivedAt) {
    String id = change.hasNonNull("changeId") ? change.get("changeId").asText() : header;
    return new Delivered(
        RowKey.of(change.path("table").asText(), strings(unwrap(change.path("key")))),
        change.path("op").asText(),
        change.hasNonNull("after") ? strings(unwrap(change.get("after"))) : null,
        id,
        receivedAt);
  }

  /** A JsonConverter value with schemas enabled is {schema, payload}; the payload is the row. */
  private static JsonNode unwrap(JsonNode node) {
    return node.has("schema") && node.has("payload") ? node.get("payload") : node;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> values = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      values.put(field.getKey(), field.getValue().isNull() ? null : field.getValue().asText());
    }
    return values;
  }
}
