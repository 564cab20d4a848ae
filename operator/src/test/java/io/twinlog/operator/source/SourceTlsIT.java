package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.SourceTlsMode;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.SourceConnectors;
import io.twinlog.operator.observe.RealSources;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import io.twinlog.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS to a real mariadbd that has a certificate signed by its own CA and a CDC user created {@code
 * REQUIRE SSL}: the operator's checks and Debezium's MariaDB connector, configured from the same
 * {@code spec.source.tls}, connect when it is right, and the checks name what is wrong otherwise.
 */
class SourceTlsIT {
  private static final String TLS_USER = "cdc_tls";
  private static final String TLS_PASSWORD = "tls-only-pw";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static Path dir;
  private static TestCertificates.ServerCertificate certificate;
  private static TestCertificates.ServerCertificate otherCa;
  private static MariaDbCluster cluster;
  private static SourceChecker checker;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("twinlog-source-tls-");
    certificate = TestCertificates.server(dir.resolve("db"));
    otherCa = TestCertificates.server(dir.resolve("other"));
    // Only the replica the pipeline reads has TLS; its own replication from the primary is plain.
    cluster =
        MariaDbCluster.builder()
            .replicas(1)
            .replicaFlags(
                0,
                "--ssl-cert=" + certificate.certificate(),
                "--ssl-key=" + certificate.key(),
                "--ssl-ca=" + certificate.ca())
            .start();
    cluster
        .primary()
        .execute(
            "CREATE USER '" + TLS_USER + "'@'%' IDENTIFIED BY '" + TLS_PASSWORD + "' REQUIRE SSL",
            "GRANT " + MariaDbCluster.CDC_GRANTS + " ON *.* TO '" + TLS_USER + "'@'%'",
            "CREATE DATABASE shop",
            "CREATE TABLE shop.orders (id INT PRIMARY KEY, status VARCHAR(20))",
            "CREATE TABLE shop.order_items (id INT PRIMARY KEY, order_id INT)");
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    checker = new SourceChecker(2, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (checker != null) {
      checker.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SourceCheckRequest request(SourceTls tls) {
    MariaDbServer replica = cluster.replica(0);
    return new SourceCheckRequest(
            "replica-a",
            replica.host(),
            replica.port(),
            TLS_USER,
            TLS_PASSWORD,
            Duration.ofHours(1),
            Set.of(5401L),
            false,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10))
        .withTls(tls);
  }

  @Test
  void verifyFullWithTheReplicasCaPassesTheWholeCheck() {
    SourceCheckResult result =
        checker
            .check(request(new SourceTls(SourceTlsMode.VERIFY_FULL, certificate.caPem())))
            .join();
    assertThat(result.findings()).isEmpty();
    assertThat(result.facts().replica()).isTrue();
  }

  @Test
  void aPipelineWithoutTlsIsToldTheReplicaRequiresIt() {
    for (SourceTls plain :
        new SourceTls[] {SourceTls.DEFAULT, new SourceTls(SourceTlsMode.DISABLED, null)}) {
      SourceCheckResult result = checker.check(request(plain)).join();
      assertThat(result.findings())
          .as("%s", plain)
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.reason()).isEqualTo(FindingReason.TLS_REQUIRED);
                assertThat(f.message())
                    .isEqualTo(
                        "replica-a accepts user cdc_tls only over TLS (access denied without TLS,"
                            + " granted with it): set spec.source.tls.mode to required, verify-ca"
                            + " or verify-full");
              });
    }
  }

  @Test
  void aCertificateFromAnotherCaFailsTheHandshakeWithItsReason() {
    SourceCheckResult result =
        checker.check(request(new SourceTls(SourceTlsMode.VERIFY_CA, otherCa.caPem()))).join();
    assertThat(result.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.TLS_FAILED);
              assertThat(f.message())
                  .startsWith("the TLS handshake with replica-a at 127.0.0.1:")
                  .contains("spec.source.tls.caSecretName");
            });
    // required encrypts without checking the certificate: the same replica passes.
    assertThat(
            checker
                .check(request(new SourceTls(SourceTlsMode.REQUIRED, otherCa.caPem())))
                .join()
                .findings())
        .isEmpty();
  }

  /**
   * Debezium's MariaDB connector as the operator renders it for {@code verify-full}: the trust
   * store where the KafkaConnect would mount the CA Secret, its password through the secrets
   * provider. The user can only connect over TLS, so a change arriving proves both the JDBC and the
   * binlog connection verified the replica.
   */
  @Test
  void debeziumStreamsFromTheReplicaOverVerifiedTls() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedConnect connect = EmbeddedConnect.start(kafka)) {
      connect.putSecret("shop", "cdc-db", "username", TLS_USER);
      connect.putSecret("shop", "cdc-db", "password", TLS_PASSWORD);
      connect.putSecret("shop", "db-ca", "ca.password", certificate.trustStorePassword());
      MariaDbServer replica = cluster.replica(0);
      CdcPipeline pipeline =
          TestPipelines.parse(
              """
              apiVersion: cdc.twinlog.io/v1alpha1
              kind: CdcPipeline
              metadata: {name: orders, namespace: shop, generation: 1}
              spec:
                kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "%s"}
                source:
                  type: mariadb
                  include: {databases: [shop], tables: [shop.orders]}
                  credentials: {secretName: cdc-db}
                  replicas:
                    - {name: replica-a, host: "%s", port: %d, serverId: 5401}
              """
                  .formatted(kafka.bootstrapServers(), replica.host(), replica.port()));
      SourceTlsSpec tls = new SourceTlsSpec();
      tls.setMode(SourceTlsMode.VERIFY_FULL);
      tls.setCaSecretName("db-ca");
      // The KafkaConnect mounts the Secret here; the test's Connect reads the test's files.
      tls.setConnectMountPath(certificate.trustStore().getParent().toString());
      pipeline.getSpec().getSource().setTls(tls);
      KafkaConnector connector = SourceConnectors.of(pipeline).getFirst();
      ConnectRest rest = connect.rest();
      rest.createConnector(connector.getMetadata().getName(), RealSources.connectConfig(connector));
      await()
          .atMost(WAIT)
          .ignoreExceptionsInstanceOf(ConnectRest.ConnectRestException.class)
          .until(() -> rest.status(connector.getMetadata().getName()).isRunning());

      cluster.primary().execute("INSERT INTO shop.orders VALUES (1, 'over tls')");
      String topic = connector.getSpec().getConfig().get("topic.prefix") + ".shop.orders";
      var records = kafka.consume(topic, 1, WAIT);
      assertThat(records)
          .extracting(ConsumerRecord::value)
          .singleElement()
          .asString()
          .contains("\"status\":\"over tls\"");
      assertThat(rest.status(connector.getMetadata().getName()).isRunning()).isTrue();
    }
  }
}
