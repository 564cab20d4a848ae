package io.twinlog.webhook.config;

import static io.twinlog.contracts.WebhookReceiverEnv.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.webhook.kafka.EventPublisher;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ReceiverConfigTest {
  static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put(BOOTSTRAP_SERVERS, "kafka:9092");
    env.put(TOPIC, "erp.webhooks");
    env.put(SECRET, "s3cret-value");
    env.put(ENTITY_KEY, "/entity/id");
    env.put("PATH", "/usr/bin"); // the process environment holds other variables too
    return env;
  }

  @Test
  void defaults() {
    ReceiverConfig config = ReceiverConfig.fromEnv(minimal());
    assertThat(config.port()).isEqualTo(DEFAULT_PORT);
    assertThat(config.managementPort()).isEqualTo(DEFAULT_MANAGEMENT_PORT);
    assertThat(config.path()).isEqualTo("/webhook");
    assertThat(config.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(config.eventId().toString()).isEqualTo("/id");
    assertThat(config.ackTimeout().toMillis()).isEqualTo(10_000);
    assertThat(config.summary()).doesNotContain("s3cret-value").contains("secret=(variable)");
  }

  @Test
  void producerKeepsTheGuaranteeWhateverIsPassedThrough() {
    Map<String, String> env = minimal();
    env.put(KAFKA_PASSTHROUGH_PREFIX + "ACKS", "1");
    env.put(KAFKA_PASSTHROUGH_PREFIX + "ENABLE_IDEMPOTENCE", "false");
    env.put(KAFKA_PASSTHROUGH_PREFIX + "SECURITY_PROTOCOL", "SSL");
    env.put(ACK_TIMEOUT_MS, "4000");
    Map<String, Object> props = EventPublisher.producerProps(ReceiverConfig.fromEnv(env));
    assertThat(props)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry("security.protocol", "SSL")
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000)
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 4000)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024 + 64 * 1024);
    env.put(MAX_BODY_BYTES, Integer.toString(4 * 1024 * 1024));
    assertThat(EventPublisher.producerProps(ReceiverConfig.fromEnv(env)))
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024 + 64 * 1024);
    // Kafka refuses delivery.timeout < linger + request.timeout; this must construct.
    Map<String, Object> withSerializers = new HashMap<>(props);
    withSerializers.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    withSerializers.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    new ProducerConfig(withSerializers);
  }

  @Test
  void clearErrors() {
    assertRefused(without(BOOTSTRAP_SERVERS), BOOTSTRAP_SERVERS);
    assertRefused(without(ENTITY_KEY), ENTITY_KEY);
    assertRefused(without(SECRET), "exactly one of " + SECRET_FILE + " and " + SECRET);
    Map<String, String> both = minimal();
    both.put(SECRET_FILE, "/etc/secret");
    assertRefused(both, "exactly one of");
    assertRefused(with(EVENT_ID, "id"), "neither a JSON pointer");
    assertRefused(with(AUTH_TYPE, "none"), AUTH_TYPE);
    assertRefused(with(PATH, "webhook"), "absolute path");
    assertRefused(with(MAX_BODY_BYTES, "0"), MAX_BODY_BYTES);
    assertRefused(with(MANAGEMENT_PORT, "8080"), "must differ");
    Map<String, String> missingFile = without(SECRET);
    missingFile.put(SECRET_FILE, "/nonexistent/secret");
    ReceiverConfig config = ReceiverConfig.fromEnv(missingFile);
    assertThatThrownBy(() -> config.authenticator(java.time.Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/nonexistent/secret");
  }

  @Test
  void clearTlsErrors() {
    String cert = TlsConfig.TLS_CERT_FILE;
    String key = TlsConfig.TLS_KEY_FILE;
    String mode = TlsConfig.TLS_CLIENT_AUTH;
    String ca = TlsConfig.TLS_CLIENT_CA_FILE;
    String subjects = TlsConfig.TLS_ALLOWED_SUBJECTS;
    assertRefused(with(cert, "/tls/tls.crt"), "set both " + cert + " and " + key);
    assertRefused(with(key, "/tls/tls.key"), "set both " + cert + " and " + key);
    assertRefused(with(mode, "sometimes"), mode);
    assertRefused(with(mode, "required"), "needs HTTPS on the webhook port");
    Map<String, String> https = minimal();
    https.put(cert, "/tls/tls.crt");
    https.put(key, "/tls/tls.key");
    Map<String, String> noCa = new HashMap<>(https);
    noCa.put(mode, "optional");
    assertRefused(noCa, "needs " + ca);
    Map<String, String> caWithoutMode = new HashMap<>(https);
    caWithoutMode.put(ca, "/tls/ca.crt");
    assertRefused(caWithoutMode, ca + " is set; set optional or required");
    Map<String, String> subjectsWithoutMode = new HashMap<>(https);
    subjectsWithoutMode.put(subjects, "CN=erp");
    assertRefused(subjectsWithoutMode, subjects + " is set");
    assertRefused(with(subjects, "CN=erp;O==,x"), "not a distinguished name");

    Map<String, String> mutual = new HashMap<>(https);
    mutual.put(mode, "REQUIRED");
    mutual.put(ca, "/tls/ca.crt");
    assertThat(ReceiverConfig.fromEnv(mutual).clientAuth())
        .isEqualTo(io.twinlog.webhook.tls.ClientAuth.REQUIRED);
    // The certificate alone: only when it is required, and then with no secret.
    Map<String, String> certificateOnly = new HashMap<>(mutual);
    certificateOnly.put(AUTH_TYPE, "certificate");
    assertRefused(certificateOnly, "uses no secret");
    certificateOnly.remove(SECRET);
    assertThat(ReceiverConfig.fromEnv(certificateOnly).summary()).contains("secret=(none)");
    certificateOnly.put(mode, "optional");
    assertRefused(certificateOnly, "needs " + mode + "=required");
    assertThat(ReceiverConfig.fromEnv(minimal()).serverTls(java.time.Clock.systemUTC())).isEmpty();
  }

  static Map<String, String> without(String key) {
    Map<String, String> env = minimal();
    env.remove(key);
    return env;
  }

  static Map<String, String> with(String key, String value) {
    Map<String, String> env = minimal();
    env.put(key, value);
    return env;
  }

  static void assertRefused(Map<String, String> env, String message) {
    assertThatThrownBy(() -> ReceiverConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-value"));
  }
}
