package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.ErpSinkConfigKeys;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with a configured trust store, against a real HTTPS server whose key and certificate the
 * JDK's keytool made (an IT because keytool runs as a process).
 */
class ErpSinkTlsIT {
  @TempDir static Path dir;
  private static ErpTestServer server;
  private static Path truststore;
  private static String caPem;

  @BeforeAll
  static void startHttpsServer() throws Exception {
    Path keystore = dir.resolve("server.p12");
    truststore = dir.resolve("trust.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "erp",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "serverpw");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      keys.load(in, "serverpw".toCharArray());
    }
    // The trust store holds the server's certificate only, as an ERP's CA bundle would.
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("erp", keys.getCertificate("erp"));
    try (OutputStream out = new FileOutputStream(truststore.toFile())) {
      trust.store(out, "trustpw".toCharArray());
    }
    // the same certificate as PEM, what a Secret's ca.crt holds
    caPem =
        "-----BEGIN CERTIFICATE-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(keys.getCertificate("erp").getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "serverpw".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    server = new ErpTestServer(tls);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private static Map<String, String> props(boolean withTruststore, String password) {
    Map<String, String> props = new HashMap<>();
    props.put("name", "erp-tls");
    props.put(ErpSinkConfigKeys.URL, server.url());
    props.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "0");
    if (withTruststore) {
      props.put(ErpSinkConfigKeys.TLS_TRUSTSTORE_PATH, truststore.toString());
      props.put(ErpSinkConfigKeys.TLS_TRUSTSTORE_PASSWORD, password);
    }
    return props;
  }

  private static ErpSinkTask start(Map<String, String> props) {
    ErpSinkTask task = new ErpSinkTask();
    task.initialize(new RecordingContext(true));
    task.start(props);
    return task;
  }

  @Test
  void trustsTheErpThroughTheConfiguredTrustStore() {
    deliver(props(true, "trustpw"), 1, "tls/1");
  }

  /** Delivers one change through a task started with {@code props}; the ERP got it. */
  private static void deliver(Map<String, String> props, int id, String changeId) {
    ErpSinkTask task = start(props);
    try {
      task.put(
          List.of(
              DebeziumSamples.record(
                  DebeziumSamples.key(id),
                  DebeziumSamples.update(id, "g", 0, "a", 1),
                  0,
                  changeId)));
    } finally {
      task.stop();
    }
    assertThat(server.requests())
        .extracting(ErpTestServer.Request::idempotencyKey)
        .contains(changeId);
  }

  /** The CA as PEM text (a ${secrets:...} reference in Connect): no file to mount. */
  @Test
  void trustsTheErpThroughPemCaCertificates() {
    Map<String, String> props = props(false, null);
    props.put(ErpSinkConfigKeys.TLS_CA_CERTIFICATES, caPem);
    deliver(props, 2, "pem/1");

    Map<String, String> garbage = props(false, null);
    garbage.put(ErpSinkConfigKeys.TLS_CA_CERTIFICATES, "not a certificate");
    assertThatThrownBy(() -> start(garbage))
        .hasMessageContaining("erp.tls.ca.certificates is not PEM")
        .hasMessageNotContaining("not a certificate");
  }

  @Test
  void withoutTheTrustStoreTheHandshakeFailsAndIsRetried() {
    ErpSinkTask task = start(props(false, null));
    try {
      assertThatThrownBy(
              () ->
                  task.put(
                      List.of(
                          DebeziumSamples.record(
                              DebeziumSamples.key(2),
                              DebeziumSamples.update(2, "g", 0, "a", 1),
                              0,
                              "tls/2"))))
          .isInstanceOf(RetriableException.class);
    } finally {
      task.stop();
    }
  }

  @Test
  void aWrongTrustStorePasswordIsAValidationErrorThatDoesNotShowIt() {
    Map<String, String> props = props(true, "Wr0ngPassw0rd");
    var errors =
        new ErpSinkConnector()
            .validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .toList();
    assertThat(errors)
        .singleElement()
        .satisfies(
            value -> {
              assertThat(value.name()).isEqualTo(ErpSinkConfigKeys.TLS_TRUSTSTORE_PATH);
              assertThat(value.errorMessages().toString())
                  .contains("cannot be loaded")
                  .doesNotContain("Wr0ngPassw0rd");
            });
    assertThat(new ErpSinkConnector().validate(props(true, "trustpw")).configValues())
        .allSatisfy(value -> assertThat(value.errorMessages()).isEmpty());
  }
}
