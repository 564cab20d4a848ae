package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.testkit.TestCertificates;
import io.twinlog.testkit.TestCertificates.ClientCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS to the ERP: a real HTTPS server that needs a client certificate signed by its clients
 * CA, and certificates keytool makes at run time (an IT because keytool runs as a process).
 */
class ErpSinkMutualTlsIT {
  private static final String SUBJECT = "CN=twinlog-erp-sink";
  private static final TopicPartition PARTITION = new TopicPartition(DebeziumSamples.TOPIC, 0);

  @TempDir static Path dir;
  private static ErpTestServer server;
  private static TestCertificates serverCertificates;
  private static ClientCertificate client;
  private static ClientCertificate stranger;

  @BeforeAll
  static void startHttpsServerThatNeedsAClientCertificate() throws Exception {
    serverCertificates = TestCertificates.localhost(dir.resolve("server"));
    client = TestCertificates.client(dir.resolve("client"), "twinlog-erp-sink");
    stranger = TestCertificates.client(dir.resolve("stranger"), "someone-else");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(serverCertificates.keyStore())) {
      keys.load(in, serverCertificates.password().toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, serverCertificates.password().toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    // The ERP trusts only the sink's clients CA, as it would a CA it issued the sink's certificate
    // from.
    tls.init(kmf.getKeyManagers(), TlsContexts.trustingPem(client.clientsCaPem()), null);
    server = new ErpTestServer(tls, true);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Trusts the ERP through its CA; the client certificate is added by each test. */
  private static Map<String, String> props() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "erp-mtls");
    props.put(ErpSinkConfigKeys.URL, server.url());
    props.put(ErpSinkConfigKeys.TLS_CA_CERTIFICATES, serverCertificates.caPem());
    props.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.TIMEOUT_MS, "10000");
    return props;
  }

  private static Map<String, String> withClientCertificate(String chainPem, String keyPem) {
    Map<String, String> props = props();
    props.put(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE, chainPem);
    props.put(ErpSinkConfigKeys.TLS_CLIENT_KEY, keyPem);
    return props;
  }

  private static ErpSinkTask start(Map<String, String> props, RecordingContext context) {
    ErpSinkTask task = new ErpSinkTask();
    task.initialize(context);
    task.start(props);
    return task;
  }

  private static SinkRecord change(int id, long offset, String changeId) {
    return DebeziumSamples.record(
        DebeziumSamples.key(id), DebeziumSamples.update(id, "g", 0, "a", 1), offset, changeId);
  }

  private static List<ErpTestServer.Request> requestsFor(String changeId) {
    return server.requests().stream().filter(r -> changeId.equals(r.idempotencyKey())).toList();
  }

  @Test
  void withTheClientCertificateTheErpGetsTheChangesFromThatSubject() {
    // leaf first, then its issuer: what a cert-manager or Strimzi tls.crt holds
    String chain = client.certificatePem() + client.clientsCaPem();
    RecordingContext context = new RecordingContext(true);
    ErpSinkTask task = start(withClientCertificate(chain, client.keyPem()), context);
    try {
      task.put(List.of(change(1, 0, "mtls/1"), change(2, 1, "mtls/2")));
      assertThat(task.preCommit(Map.of(PARTITION, new OffsetAndMetadata(2))))
          .containsEntry(PARTITION, new OffsetAndMetadata(2));
    } finally {
      task.stop();
    }
    for (String changeId : List.of("mtls/1", "mtls/2")) {
      assertThat(requestsFor(changeId))
          .as(changeId)
          .singleElement()
          .extracting(ErpTestServer.Request::clientSubject)
          .isEqualTo(SUBJECT);
    }
    assertThat(context.reported).isEmpty();
  }

  /**
   * The refused handshake is a connection error (no HTTP status): retried after the backoff
   * (Connect hands the batch back, committing nothing while put throws), then dead-lettered with
   * status -1 once {@code erp.retry.max.attempts} are spent; without a dead-letter topic the task
   * stops instead.
   */
  @Test
  void withoutAClientCertificateTheRefusedHandshakeIsRetriedThenDeadLetteredNeverDropped() {
    Map<String, String> props = props();
    props.put(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, "2");
    assertRetriedThenDeadLettered(props, "refused/3");

    RecordingContext noDeadLetterTopic = new RecordingContext(false);
    ErpSinkTask stopping = start(props, noDeadLetterTopic);
    List<SinkRecord> other = List.of(change(4, 0, "refused/4"));
    try {
      assertThatThrownBy(() -> stopping.put(other)).isInstanceOf(RetriableException.class);
      assertThatThrownBy(() -> stopping.put(other))
          .isInstanceOf(ConnectException.class)
          .isNotInstanceOf(RetriableException.class)
          .hasMessageContaining("No dead-letter topic is configured, so the task stops");
    } finally {
      stopping.stop();
    }
    assertThat(requestsFor("refused/4")).isEmpty();
  }

  /** A valid pair from another CA (one with the same name as the ERP's clients CA). */
  @Test
  void aCertificateTheErpDoesNotTrustIsRefusedTheSameWay() {
    Map<String, String> props = withClientCertificate(stranger.certificatePem(), stranger.keyPem());
    props.put(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, "2");
    assertRetriedThenDeadLettered(props, "stranger/5");
  }

  private static void assertRetriedThenDeadLettered(Map<String, String> props, String changeId) {
    RecordingContext context = new RecordingContext(true);
    ErpSinkTask task = start(props, context);
    List<SinkRecord> batch = List.of(change(5, 0, changeId));
    try {
      assertThatThrownBy(() -> task.put(batch))
          .isInstanceOf(RetriableException.class)
          .hasMessageContaining("1 record(s) wait for the ERP");
      assertThat(context.timeouts).hasSize(1);
      assertThat(context.reported).isEmpty();

      // Connect hands the same batch back after the timeout: the second and last attempt.
      task.put(batch);
      assertThat(context.reported).singleElement();
      SinkRecord dead = context.reported.get(0).record();
      assertThat(header(dead, ChangeHeaders.CHANGE_ID)).isEqualTo(changeId);
      assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_STATUS)).isEqualTo("-1");
      assertThat(header(dead, ErpSinkConfigKeys.DLQ_HEADER_ATTEMPTS)).isEqualTo("2");
      // In TLS 1.3 the client's side of the handshake is done before the server checks its
      // certificate, so the refusal may arrive as the connection closing, not as an SSL error.
      assertThat(header(dead, ChangeHeaders.ERROR_MESSAGE))
          .startsWith("retry budget exhausted after 2 attempt(s); last status -1, ");
    } finally {
      task.stop();
    }
    assertThat(requestsFor(changeId)).as("the ERP never read a request").isEmpty();
  }

  @Test
  void aKeyThatIsNotTheCertificatesFailsTheStartWithAMessage() {
    Map<String, String> mismatched =
        withClientCertificate(client.certificatePem(), stranger.keyPem());
    String keyText = stranger.keyPem().lines().skip(1).findFirst().orElseThrow();
    assertThatThrownBy(() -> start(mismatched, new RecordingContext(true)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "erp.tls.client.key does not match erp.tls.client.certificate: it is not the private"
                + " key of the first (leaf) certificate")
        .hasMessageNotContaining(keyText);
    assertThat(
            new ErpSinkConnector()
                .validate(mismatched).configValues().stream()
                    .filter(value -> !value.errorMessages().isEmpty())
                    .toList())
        .singleElement()
        .satisfies(
            value -> {
              assertThat(value.name()).isEqualTo(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE);
              assertThat(value.errorMessages().toString()).contains("does not match");
            });

    // The chain must go leaf first, each certificate followed by its issuer.
    Map<String, String> misordered =
        withClientCertificate(
            client.certificatePem() + serverCertificates.caPem(), client.keyPem());
    assertThatThrownBy(() -> start(misordered, new RecordingContext(true)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("erp.tls.client.certificate is not a chain in order");
  }

  private static String header(SinkRecord record, String name) {
    Header header = record.headers().lastWithName(name);
    return header == null ? null : String.valueOf(header.value());
  }
}
