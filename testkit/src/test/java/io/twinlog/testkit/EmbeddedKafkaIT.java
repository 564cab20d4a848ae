package io.twinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

  @Test
  void transactionalRoundTripOnOneBroker() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("orders", 2, Map.of("cleanup.policy", "delete"));
      assertThat(kafka.admin().listTopics().names().get()).contains("orders");

      Map<String, Object> props = kafka.clientProps();
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "testkit-tx");
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("orders", "k1", "committed"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("orders", "k2", "aborted"));
        producer.flush();
        producer.abortTransaction();
      }
      try (KafkaProducer<String, String> plain = kafka.stringProducer()) {
        plain.send(new ProducerRecord<>("orders", "k3", "plain")).get();
      }
      List<ConsumerRecord<String, String>> records =
          kafka.consume("orders", 2, Duration.ofSeconds(30));
      assertThat(records).extracting(ConsumerRecord::value).containsOnly("committed", "plain");
      assertThat(records).hasSize(2);
    }
  }
}
