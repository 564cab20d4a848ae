package io.twinlog.erp;

import io.twinlog.contracts.ChangeHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

/** Debezium MariaDB change events as JsonConverter writes them, for tests. */
final class DebeziumSamples {
  private DebeziumSamples() {}

  static final String TOPIC = "orders.dedup.shop.orders";

  /**
   * An update of order {@code id}; {@code sourceName} and {@code envelopeTs} differ per replica.
   */
  static String update(int id, String gtid, int row, String sourceName, long envelopeTs) {
    return """
        {"before":{"id":%d,"status":"new"},"after":{"id":%d,"status":"paid"},
         "source":{"version":"3.5.0.Final","connector":"mariadb","name":"%s","ts_ms":1700000000000,
          "snapshot":"false","db":"shop","table":"orders","server_id":1,"gtid":"%s",
          "file":"mariadb-bin.000003","pos":1234,"row":%d,"thread":7,"query":null},
         "transaction":{"id":"%s","total_order":1,"data_collection_order":1},
         "op":"u","ts_ms":%d}
        """
        .formatted(id, id, sourceName, gtid, row, gtid, envelopeTs);
  }

  static String withSchemaEnvelope(String payload) {
    return "{\"schema\":{\"type\":\"struct\",\"optional\":false},\"payload\":" + payload + "}";
  }

  static String key(int id) {
    return "{\"id\":" + id + "}";
  }

  /**
   * Writes {@code keys * changesPerKey} updates to {@code topic}, key by key interleaved (change
   * {@code seq} of every key before change {@code seq + 1}), each with change id {@code key/seq}.
   */
  static void produce(
      KafkaProducer<String, String> producer, String topic, int keys, int changesPerKey) {
    for (int seq = 0; seq < changesPerKey; seq++) {
      for (int key = 0; key < keys; key++) {
        String id = key + "/" + seq;
        ProducerRecord<String, String> record =
            new ProducerRecord<>(topic, key(key), update(key, id, 0, "a", seq));
        record.headers().add(ChangeHeaders.CHANGE_ID, id.getBytes(StandardCharsets.UTF_8));
        producer.send(record);
      }
    }
    producer.flush();
  }

  static SinkRecord record(String key, String value, long offset, String changeId) {
    ConnectHeaders headers = new ConnectHeaders();
    if (changeId != null) {
      headers.addString(ChangeHeaders.CHANGE_ID, changeId);
    }
    return new SinkRecord(
        TOPIC, 0, null, key, null, value, offset, 1_700_000_000_000L, null, headers);
  }
}
