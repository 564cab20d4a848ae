package io.twinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * The secured listener: TLS verified against the test CA and SCRAM-SHA-512; a wrong password and
   * a client that does not trust the CA are refused.
   */
  @Test
  void securedListenerTakesOnlyScramOverVerifiedTls(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.localhost(dir);
    assertThat(certs.caPem()).startsWith("-----BEGIN CERTIFICATE-----");
    try (EmbeddedKafka kafka = EmbeddedKafka.startSecured(certs)) {
      kafka.createTopic("secured", 1);
      kafka.addScramUser("twinlog", "s3cret-pass");
      assertThat(kafka.secureBootstrapServers()).isNotEqualTo(kafka.bootstrapServers());

      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              secured(kafka, certs, "s3cret-pass", true),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>("secured", "k", "over SASL_SSL")).get();
      }
      assertThat(kafka.consume("secured", 1, Duration.ofSeconds(30)))
          .extracting(ConsumerRecord::value)
          .containsExactly("over SASL_SSL");

      try (Admin wrongPassword = Admin.create(secured(kafka, certs, "wrong", true))) {
        assertThatThrownBy(() -> wrongPassword.listTopics().names().get())
            .hasRootCauseInstanceOf(SaslAuthenticationException.class);
      }
      try (Admin untrusting = Admin.create(secured(kafka, certs, "s3cret-pass", false))) {
        assertThatThrownBy(() -> untrusting.listTopics().names().get())
            .hasCauseInstanceOf(SslAuthenticationException.class);
      }
    }
  }

  private static Map<String, Object> secured(
      EmbeddedKafka kafka, TestCertificates certs, String password, boolean trustCa) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.secureBootstrapServers());
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"twinlog\""
            + " password=\""
            + password
            + "\";");
    if (trustCa) {
      props.put("ssl.truststore.type", "PEM");
      props.put("ssl.truststore.certificates", certs.caPem());
    }
    props.put("default.api.timeout.ms", 15000);
    props.put("request.timeout.ms", 10000);
    return props;
  }
}
