package io.twinlog.webhook.it;

import static io.twinlog.webhook.fixtures.WebhookClient.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.testkit.CapturedLog;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.TestCertificates;
import io.twinlog.testkit.TestCertificates.ClientCertificate;
import io.twinlog.testkit.TestCertificates.ServerCertificate;
import io.twinlog.testkit.TlsClients;
import io.twinlog.webhook.WebhookReceiver;
import io.twinlog.webhook.config.TlsConfig;
import io.twinlog.webhook.fixtures.Receivers;
import io.twinlog.webhook.fixtures.WebhookClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver serving HTTPS with client certificates, on a real port with certificates made at run
 * time, posted to by real TLS clients, writing to a real broker.
 */
class WebhookReceiverTlsIT {
  static EmbeddedKafka kafka;
  static final AtomicInteger TOPICS = new AtomicInteger();
  @TempDir static Path certs;
  static ServerCertificate server;
  static ServerCertificate rotatedServer;
  static ClientCertificate erp;
  static ClientCertificate stranger;

  @BeforeAll
  static void start() {
    // keytool runs a JVM per step: the four sets are made side by side, with Kafka starting.
    var serverFuture =
        CompletableFuture.supplyAsync(() -> TestCertificates.server(certs.resolve("server")));
    var rotatedFuture =
        CompletableFuture.supplyAsync(() -> TestCertificates.server(certs.resolve("rotated")));
    var erpFuture =
        CompletableFuture.supplyAsync(
            () -> TestCertificates.client(certs.resolve("erp"), "sap-prod"));
    // Same subject, signed by a CA of its own: only the signature tells them apart.
    var strangerFuture =
        CompletableFuture.supplyAsync(
            () -> TestCertificates.client(certs.resolve("stranger"), "sap-prod"));
    kafka = EmbeddedKafka.start();
    server = serverFuture.join();
    rotatedServer = rotatedFuture.join();
    erp = erpFuture.join();
    stranger = strangerFuture.join();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void requiredLetsTheErpsCertificateInAndRefusesTheRestInTheHandshake() throws Exception {
    String topic = newTopic();
    Map<String, String> env = tlsEnv(topic, "required", erp.clientsCa());
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      WebhookClient signer = signer(receiver);

      // Certificate and HMAC both configured: both must pass.
      HttpResponse<String> accepted = post(erpClient(), signer, event("evt-1", "inv-1", 1));
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      HttpResponse<String> badHmac =
          erpClient()
              .send(
                  unsigned(signer, event("evt-2", "inv-1", 2))
                      .header(WebhookClient.SIGNATURE_HEADER, "00")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(badHmac.statusCode()).isEqualTo(401);

      // No certificate, or one from another CA: the handshake fails, the handler never runs.
      assertHandshakeRefused(TlsClients.client(server.caPem(), null), signer);
      assertHandshakeRefused(TlsClients.client(server.caPem(), stranger), signer);

      assertThat(answered(receiver)).as("requests that reached the handler").isEqualTo(2);
      List<ConsumerRecord<String, String>> records = kafka.consume(topic, 2, Duration.ofSeconds(5));
      assertThat(records).hasSize(1);
      assertThat(WebhookReceiverIT.header(records.get(0), ChangeHeaders.CHANGE_ID))
          .isEqualTo("evt-1");
    }
  }

  @Test
  void aVerifiedCertificateOutsideTheAllowedSubjectsGets403AndWritesNothing() throws Exception {
    String topic = newTopic();
    Map<String, String> env = tlsEnv(topic, "required", erp.clientsCa());
    env.put(TlsConfig.TLS_ALLOWED_SUBJECTS, "CN=sap-test; erp.acme.example");
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      HttpResponse<String> refused =
          post(erpClient(), signer(receiver), event("evt-1", "inv-1", 1));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(refused.body())
          .isEqualTo("{\"error\":\"client certificate subject is not in the allowed list\"}");
      assertThat(receiver.metrics().clientCertificateFailures("subject_not_allowed")).isEqualTo(1);
      assertThat(receiver.metrics().requests(403)).isEqualTo(1);
      assertThat(WebhookReceiverIT.scrape(receiver, WebhookReceiverEnv.METRICS_PATH))
          .contains(
              "twinlog_webhook_client_certificate_failures_total{reason=\"subject_not_allowed\"}"
                  + " 1.0");
      assertThat(kafka.consume(topic, 1, Duration.ofSeconds(3))).isEmpty();
    }
    // The same certificate with its subject listed (DN compared as a DN: case and spaces).
    env.put(TlsConfig.TLS_ALLOWED_SUBJECTS, "erp.acme.example; cn = SAP-prod");
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      HttpResponse<String> accepted =
          post(erpClient(), signer(receiver), event("evt-2", "inv-1", 2));
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      assertThat(kafka.consume(topic, 2, Duration.ofSeconds(5))).hasSize(1);
    }
  }

  @Test
  void optionalLeavesAClientWithoutCertificateToHmac() throws Exception {
    String topic = newTopic();
    try (WebhookReceiver receiver =
        WebhookReceiver.start(tlsEnv(topic, "optional", erp.clientsCa()))) {
      WebhookClient signer = signer(receiver);
      HttpClient noCertificate = TlsClients.client(server.caPem(), null);
      HttpResponse<String> hmacOnly = post(noCertificate, signer, event("evt-1", "inv-1", 1));
      assertThat(hmacOnly.statusCode()).as(hmacOnly.body()).isEqualTo(200);
      HttpResponse<String> unsigned =
          noCertificate.send(
              unsigned(signer, event("evt-2", "inv-1", 2)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unsigned.statusCode()).isEqualTo(401);
      assertThat(post(erpClient(), signer, event("evt-3", "inv-1", 3)).statusCode()).isEqualTo(200);
      // A certificate sent must verify, even where none is required.
      assertHandshakeRefused(TlsClients.client(server.caPem(), stranger), signer);
      assertThat(
              kafka.consume(topic, 3, Duration.ofSeconds(5)).stream()
                  .map(r -> WebhookReceiverIT.header(r, ChangeHeaders.CHANGE_ID)))
          .containsExactly("evt-1", "evt-3");
    }
  }

  @Test
  void theCertificateAloneWhenAuthTypeIsCertificate() throws Exception {
    String topic = newTopic();
    Map<String, String> env = tlsEnv(topic, "required", erp.clientsCa());
    env.remove(WebhookReceiverEnv.SECRET);
    env.put(WebhookReceiverEnv.AUTH_TYPE, "certificate");
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      WebhookClient signer = signer(receiver);
      HttpResponse<String> response =
          erpClient()
              .send(
                  unsigned(signer, event("evt-1", "inv-1", 1)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertHandshakeRefused(TlsClients.client(server.caPem(), null), signer);
      assertThat(kafka.consume(topic, 2, Duration.ofSeconds(5))).hasSize(1);
    }
  }

  @Test
  void rotatedSecretFilesAreUsedWithoutARestart(@TempDir Path dir) throws Exception {
    // The ERP's new certificate comes from a new CA: the stranger's, for this test.
    ServerCertificate serverB = rotatedServer;
    ClientCertificate erpB = stranger;
    Path mount = dir.resolve("mount");
    MountedSecret secret = new MountedSecret(mount);
    secret.write(server, erp);
    String topic = newTopic();
    Map<String, String> env = tlsEnv(topic, "required", mount.resolve("ca.crt"));
    env.put(TlsConfig.TLS_CERT_FILE, mount.resolve("tls.crt").toString());
    env.put(TlsConfig.TLS_KEY_FILE, mount.resolve("tls.key").toString());
    try (CapturedLog log = CapturedLog.start();
        WebhookReceiver receiver = WebhookReceiver.start(env)) {
      WebhookClient signer = signer(receiver);
      HttpClient before = erpClient();
      assertThat(post(before, signer, event("evt-1", "inv-1", 1)).statusCode()).isEqualTo(200);

      // Kubernetes updates the Secret: a new server certificate and key, a new client CA.
      secret.write(serverB, erpB);
      AtomicInteger n = new AtomicInteger(1);
      // The kept-alive connection was verified against the old CA: once the new one is read
      // (checked every 10 s), it is let in no more.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  post(before, signer, event("evt-" + n.incrementAndGet(), "inv-1", n.get()))
                          .statusCode()
                      == 403);
      assertThat(receiver.metrics().clientCertificateFailures("untrusted")).isEqualTo(1);

      // New connections: the new server certificate, the new client CA.
      HttpResponse<String> rotated =
          post(TlsClients.client(serverB.caPem(), erpB), signer, event("evt-b", "inv-1", 99));
      assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
      assertHandshakeRefused(TlsClients.client(serverB.caPem(), erp), signer);
      assertHandshakeRefused(TlsClients.client(server.caPem(), erpB), signer);

      List<String> written =
          kafka.consume(topic, n.get() + 1, Duration.ofSeconds(5)).stream()
              .map(r -> WebhookReceiverIT.header(r, ChangeHeaders.CHANGE_ID))
              .toList();
      assertThat(written).hasSize(n.get()).startsWith("evt-1");
      assertThat(written).endsWith("evt-b").doesNotContain("evt-" + n.get());
      assertThat(log.text())
          .contains("webhook TLS certificate and key changed")
          .contains("webhook client CA bundle changed")
          .doesNotContain(keyBody(server.key()))
          .doesNotContain(keyBody(serverB.key()));
    }
  }

  /**
   * A Secret mounted as Kubernetes does: the files are symlinks into {@code ..data}, itself a
   * symlink to a timestamped directory, swapped atomically on each update.
   */
  record MountedSecret(Path dir) {
    static final AtomicInteger VERSIONS = new AtomicInteger();

    void write(ServerCertificate serverCertificate, ClientCertificate clientCa) throws IOException {
      Files.createDirectories(dir);
      Path version = dir.resolve("..v" + VERSIONS.incrementAndGet());
      Files.createDirectory(version);
      Files.copy(serverCertificate.certificate(), version.resolve("tls.crt"));
      Files.copy(serverCertificate.key(), version.resolve("tls.key"));
      Files.copy(clientCa.clientsCa(), version.resolve("ca.crt"));
      Path next = dir.resolve("..data_tmp");
      Files.createSymbolicLink(next, version.getFileName());
      Files.move(
          next,
          dir.resolve("..data"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
        if (!Files.exists(dir.resolve(file), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(dir.resolve(file), Path.of("..data", file));
        }
      }
    }
  }

  static Map<String, String> tlsEnv(String topic, String clientAuth, Path clientCa) {
    Map<String, String> env = Receivers.hmacEnv(kafka.bootstrapServers(), topic);
    env.put(TlsConfig.TLS_CERT_FILE, server.certificate().toString());
    env.put(TlsConfig.TLS_KEY_FILE, server.key().toString());
    env.put(TlsConfig.TLS_CLIENT_AUTH, clientAuth);
    env.put(TlsConfig.TLS_CLIENT_CA_FILE, clientCa.toString());
    return env;
  }

  static String newTopic() {
    String topic = "erp-webhooks-tls-" + TOPICS.incrementAndGet();
    kafka.createTopic(topic, 1);
    return topic;
  }

  static HttpClient erpClient() {
    return TlsClients.client(server.caPem(), erp);
  }

  static WebhookClient signer(WebhookReceiver receiver) {
    return new WebhookClient(
        URI.create("https://localhost:" + receiver.port() + "/webhook"), Receivers.SECRET);
  }

  static HttpRequest.Builder unsigned(WebhookClient signer, String body) {
    return signer
        .request()
        .header(WebhookClient.TIMESTAMP_HEADER, Long.toString(System.currentTimeMillis() / 1000))
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  static HttpResponse<String> post(HttpClient http, WebhookClient signer, String body)
      throws IOException, InterruptedException {
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    return http.send(
        signer
            .request()
            .header(WebhookClient.TIMESTAMP_HEADER, ts)
            .header(WebhookClient.SIGNATURE_HEADER, signer.sign(ts, body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void assertHandshakeRefused(HttpClient http, WebhookClient signer) {
    assertThatThrownBy(() -> post(http, signer, event("evt-refused", "inv-1", 0)))
        .isInstanceOf(IOException.class);
  }

  /** Requests the handler answered, whatever the status. */
  static long answered(WebhookReceiver receiver) {
    return (long)
        receiver.registry().find("twinlog_webhook_requests_total").counters().stream()
            .mapToDouble(Counter::count)
            .sum();
  }

  static String keyBody(Path keyFile) throws IOException {
    String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
  }
}
