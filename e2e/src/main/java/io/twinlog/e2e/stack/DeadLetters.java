package io.twinlog.e2e.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.e2e.workload.RowKey;
import io.twinlog.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Counts and reads the records in dead-letter topics, read_committed (transaction markers not
 * counted).
 */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * One record of the dedup dead-letter topic: the source record as Debezium wrote it (JSON without
   * schemas) and the dedup runtime's error headers.
   *
   * @param key the row ({@code source.db}.{@code source.table} and the record key's columns)
   * @param op Debezium's op letter
   * @param after the row after the change, null for a delete
   * @param gtid {@code source.gtid}
   * @param errorClass header {@code twinlog.error.class}
   * @param errorMessage header {@code twinlog.error.message}
   */
  public record Letter(
      RowKey key,
      String op,
      Map<String, String> after,
      String gtid,
      String errorClass,
      String errorMessage) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every record of {@code topic} (empty when it does not exist). */
  static List<Letter> read(EmbeddedKafka kafka, String topic) {
    List<Letter> letters = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records(kafka, List.of(topic))) {
      letters.add(letter(record));
    }
    return letters;
  }

  private static Letter letter(ConsumerRecord<byte[], byte[]> record) {
    try {
      JsonNode value = unwrap(JSON.readTree(record.value()));
      JsonNode key =
          record.key() == null ? JSON.createObjectNode() : unwrap(JSON.readTree(record.key()));
      JsonNode source = value.path("source");
      String table = source.path("db").asText() + "." + source.path("table").asText();
      return new Letter(
          RowKey.of(table, strings(key)),
          value.path("op").asText(),
          value.hasNonNull("after") ? strings(value.get("after")) : null,
          source.path("gtid").asText(null),
          header(record, ChangeHeaders.ERROR_CLASS),
          header(record, ChangeHeaders.ERROR_MESSAGE));
    } catch (IOException e) {
      return new Letter(
          RowKey.of("?", Map.of()),
          "?",
          null,
          null,
          header(record, ChangeHeaders.ERROR_CLASS),
          "unreadable record: " + e.getMessage());
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static JsonNode unwrap(JsonNode node) {
    return node.has("schema") && node.has("payload") ? node.get("payload") : node;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> values = new TreeMap<>();
    object
        .fields()
        .forEachRemaining(
            f -> values.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
    return values;
  }

  static long count(EmbeddedKafka kafka, List<String> topics) {
    return records(kafka, topics).size();
  }

  /** Every record of the existing ones of {@code topics}, read_committed. */
  static List<ConsumerRecord<byte[], byte[]>> records(EmbeddedKafka kafka, List<String> topics) {
    Set<String> existing;
    try {
      existing = kafka.admin().listTopics().names().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    List<String> present = topics.stream().filter(existing::contains).toList();
    if (present.isEmpty()) {
      return List.of();
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        kafka.bytesConsumer("twinlog-e2e-dlq-" + System.nanoTime())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : present) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }
}
