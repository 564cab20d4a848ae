package io.twinlog.webhook.tls;

import static io.twinlog.webhook.config.TlsConfig.TLS_ALLOWED_SUBJECTS;
import static io.twinlog.webhook.config.TlsConfig.TLS_CERT_FILE;
import static io.twinlog.webhook.config.TlsConfig.TLS_CLIENT_AUTH;
import static io.twinlog.webhook.config.TlsConfig.TLS_CLIENT_CA_FILE;
import static io.twinlog.webhook.config.TlsConfig.TLS_KEY_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.testkit.TestCertificates;
import io.twinlog.testkit.TestCertificates.ClientCertificate;
import io.twinlog.testkit.TestCertificates.ServerCertificate;
import io.twinlog.webhook.config.ReceiverConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the PEM material and matching subjects, on certificates made at run time (an IT because
 * {@code keytool} runs as processes, seconds each on a busy machine).
 */
class ServerTlsIT {
  @TempDir static Path dir;
  static ServerCertificate server;
  static ClientCertificate client;

  @BeforeAll
  static void certificates() {
    var clientFuture =
        CompletableFuture.supplyAsync(
            () -> TestCertificates.client(dir.resolve("client"), "sap-prod"));
    server = TestCertificates.server(dir.resolve("server"));
    client = clientFuture.join();
  }

  @Test
  void anEntryMatchesTheSubjectDnOrADnsOrUriName() throws Exception {
    // testkit's server certificate: CN=localhost, SAN dns:localhost and ip:127.0.0.1.
    X509Certificate localhost = certificate(Files.readString(server.certificate()));
    X509Certificate sapProd = certificate(client.certificatePem());
    assertThat(AllowedSubjects.parse("").allows(sapProd)).isTrue();
    assertThat(AllowedSubjects.parse("CN=sap-prod").allows(sapProd)).isTrue();
    assertThat(AllowedSubjects.parse(" cn = SAP-prod ; other").allows(sapProd)).isTrue();
    assertThat(AllowedSubjects.parse("CN=sap-prod,O=Acme").allows(sapProd)).isFalse();
    assertThat(AllowedSubjects.parse("sap-prod").allows(sapProd))
        .as("a CN is no DNS name")
        .isFalse();
    assertThat(AllowedSubjects.parse("LocalHost").allows(localhost)).as("DNS SAN").isTrue();
    assertThat(AllowedSubjects.parse("127.0.0.1").allows(localhost)).as("IP SAN").isFalse();
    assertThat(AllowedSubjects.parse("https://localhost").allows(localhost)).isFalse();
    assertThat(AllowedSubjects.parse("CN=sap-test;  ;erp.acme.example").size()).isEqualTo(2);
    assertThatThrownBy(() -> AllowedSubjects.parse("CN=a;O==,x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'O==,x' is not a distinguished name");
  }

  @Test
  void materialThatCannotBeUsedStopsTheStartNamingTheFile() throws Exception {
    Path clientKey = dir.resolve("client.key");
    Files.writeString(clientKey, client.keyPem());
    assertUnusable(
        env(server.certificate(), clientKey, server.ca()),
        "the server key file " + clientKey + " does not belong to the first certificate of");
    Path pkcs1 = dir.resolve("rsa.key");
    Files.writeString(
        pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    assertUnusable(env(server.certificate(), pkcs1, server.ca()), "convert it to PKCS#8");
    Path encrypted = dir.resolve("encrypted.key");
    Files.writeString(
        encrypted,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertUnusable(env(server.certificate(), encrypted, server.ca()), "encrypted key");
    assertUnusable(
        env(server.key(), server.key(), server.ca()),
        "the server certificate file " + server.key() + " ");
    assertUnusable(
        env(server.certificate(), server.key(), server.key()),
        "the client CA file " + server.key());
    assertUnusable(
        env(server.certificate(), server.key(), dir.resolve("missing.crt")),
        "cannot read " + dir.resolve("missing.crt"));

    ReceiverConfig good =
        ReceiverConfig.fromEnv(env(server.certificate(), server.key(), server.ca()));
    assertThat(good.serverTls(Clock.systemUTC())).isPresent();
    assertThat(good.summary()).contains("clientAuth=required").doesNotContain(keyLine());
  }

  static void assertUnusable(Map<String, String> env, String message) throws Exception {
    String keyLine = keyLine();
    assertThatThrownBy(() -> ReceiverConfig.fromEnv(env).serverTls(Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(keyLine));
  }

  static Map<String, String> env(Path certificate, Path key, Path ca) {
    Map<String, String> env = new HashMap<>();
    env.put(WebhookReceiverEnv.BOOTSTRAP_SERVERS, "kafka:9092");
    env.put(WebhookReceiverEnv.TOPIC, "erp.webhooks");
    env.put(WebhookReceiverEnv.SECRET, "s3cret-value");
    env.put(WebhookReceiverEnv.ENTITY_KEY, "/entity/id");
    env.put(TLS_CERT_FILE, certificate.toString());
    env.put(TLS_KEY_FILE, key.toString());
    env.put(TLS_CLIENT_AUTH, "required");
    env.put(TLS_CLIENT_CA_FILE, ca.toString());
    env.put(TLS_ALLOWED_SUBJECTS, "CN=sap-prod");
    return env;
  }

  static String keyLine() throws Exception {
    return Files.readString(server.key())
        .lines()
        .filter(l -> !l.startsWith("-----"))
        .findFirst()
        .orElseThrow();
  }

  static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }
}
