package io.twinlog.operator.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.contracts.DedupAnomalyRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the dedup runtime's anomaly records (the JSON value of {@link DedupAnomalyRecord}). */
final class AnomalyRecords {
  private AnomalyRecords() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The record, or null when the value is not one (unknown fields are ignored). */
  static DedupAnomalyRecord parse(byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(value);
      String source = text(node, DedupAnomalyRecord.FIELD_SOURCE);
      String kind = text(node, DedupAnomalyRecord.FIELD_KIND);
      if (source == null || kind == null || !node.path(DedupAnomalyRecord.FIELD_AT_MS).isNumber()) {
        return null;
      }
      List<String> gtids = new ArrayList<>();
      node.path(DedupAnomalyRecord.FIELD_GTIDS).forEach(g -> gtids.add(g.asText()));
      return new DedupAnomalyRecord(
          source,
          kind,
          text(node, DedupAnomalyRecord.FIELD_MESSAGE),
          gtids,
          node.path(DedupAnomalyRecord.FIELD_AT_MS).asLong());
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
