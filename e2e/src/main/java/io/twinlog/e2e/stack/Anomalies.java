package io.twinlog.e2e.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.testkit.EmbeddedKafka;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the dedup runtime reports about its sources: the records of its anomaly topic ({@link
 * DedupAnomalyRecord}) and its {@code twinlog_dedup_anomalies_total} counter.
 */
final class Anomalies {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern COUNTER =
      Pattern.compile("^twinlog_dedup_anomalies_total\\{([^}]*)}\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private Anomalies() {}

  /** Every record of the anomaly topic (empty when it does not exist yet). */
  static List<DedupAnomalyRecord> read(EmbeddedKafka kafka, String topic) {
    List<DedupAnomalyRecord> anomalies = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : DeadLetters.records(kafka, List.of(topic))) {
      try {
        JsonNode value = JSON.readTree(record.value());
        List<String> gtids = new ArrayList<>();
        value.path(DedupAnomalyRecord.FIELD_GTIDS).forEach(g -> gtids.add(g.asText()));
        anomalies.add(
            new DedupAnomalyRecord(
                value.path(DedupAnomalyRecord.FIELD_SOURCE).asText(),
                value.path(DedupAnomalyRecord.FIELD_KIND).asText(),
                value.path(DedupAnomalyRecord.FIELD_MESSAGE).asText(),
                gtids,
                value.path(DedupAnomalyRecord.FIELD_AT_MS).asLong()));
      } catch (IOException e) {
        anomalies.add(new DedupAnomalyRecord("?", "unreadable", e.getMessage(), List.of(), 0));
      }
    }
    return anomalies;
  }

  /** {@code twinlog_dedup_anomalies_total} of one Prometheus scrape, by {@code source|kind}. */
  static Map<String, Double> counts(String scrape) {
    Map<String, Double> counts = new TreeMap<>();
    scrape
        .lines()
        .forEach(
            line -> {
              Matcher m = COUNTER.matcher(line);
              if (!m.find()) {
                return;
              }
              Map<String, String> labels = new TreeMap<>();
              Matcher l = LABEL.matcher(m.group(1));
              while (l.find()) {
                labels.put(l.group(1), l.group(2));
              }
              counts.merge(
                  labels.get("source") + DedupAnomalyRecord.KEY_SEPARATOR + labels.get("kind"),
                  Double.parseDouble(m.group(2)),
                  Double::sum);
            });
    return counts;
  }
}
