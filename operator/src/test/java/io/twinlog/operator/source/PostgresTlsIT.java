package io.twinlog.operator.source;

import static io.twinlog.testkit.PostgresCluster.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.SourceTlsMode;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SourceConnectors;
import io.twinlog.operator.observe.RealSources;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import io.twinlog.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a real PostgreSQL standby that has a certificate signed by its own CA and a CDC user that
 * pg_hba.conf lets in only over TLS ({@code hostssl}): the operator's checks and Debezium's
 * PostgreSQL connector, configured from the same {@code spec.source.tls}, connect when it is right,
 * and the checks name what is wrong otherwise.
 */
class PostgresTlsIT {
  private static final String TLS_USER = "cdc_tls";
  private static final String TLS_PASSWORD = "tls-only-pw";
  private static final String CHECK_SLOT = "twinlog_it_standby_a";
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private static TestCertificates.ServerCertificate certificate;
  private static TestCertificates.ServerCertificate otherCa;
  private static PostgresCluster cluster;
  private static SourceChecker checker;

  @BeforeAll
  static void start() {
    certificate = TestCertificates.server(dir.resolve("db"));
    otherCa = TestCertificates.server(dir.resolve("other"));
    // Only the standby the pipeline reads has TLS; its own replication from the primary is plain.
    cluster =
        PostgresCluster.builder()
            .standbys(1)
            .standbyTls(0, certificate)
            .tlsOnlyUser(TLS_USER)
            .start();
    PostgresServer primary = cluster.primary();
    primary.execute(
        "CREATE ROLE " + TLS_USER + " WITH LOGIN REPLICATION PASSWORD '" + TLS_PASSWORD + "'");
    primary.executeIn(
        DATABASE,
        "CREATE TABLE orders (id int PRIMARY KEY, status text)",
        "CREATE PUBLICATION twinlog FOR TABLE orders",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + TLS_USER);
    cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    // The slot the checked replica's connector would have created.
    cluster.createLogicalSlot(cluster.standby(0), CHECK_SLOT, "pgoutput");
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

  private static PostgresCheckRequest request(SourceTls tls) {
    PostgresServer standby = cluster.standby(0);
    return new PostgresCheckRequest(
            "standby-a",
            standby.host(),
            standby.port(),
            TLS_USER,
            TLS_PASSWORD,
            DATABASE,
            CHECK_SLOT,
            "twinlog",
            List.of("public.orders"),
            false,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10))
        .withTls(tls);
  }

  @Test
  void verifyFullWithTheStandbysCaPassesTheWholeCheck() {
    SourceCheckResult result =
        checker
            .check(request(new SourceTls(SourceTlsMode.VERIFY_FULL, certificate.caPem())))
            .join();
    assertThat(result.findings()).isEmpty();
    assertThat(result.healthy()).isTrue();
    assertThat(result.postgres().inRecovery()).isTrue();
    assertThat(result.postgres().slot().plugin()).isEqualTo("pgoutput");
  }

  @Test
  void withoutTlsTheCheckIsToldTheStandbyRequiresIt() {
    SourceCheckResult result =
        checker.check(request(new SourceTls(SourceTlsMode.DISABLED, null))).join();
    assertThat(result.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(FindingReason.TLS_REQUIRED);
              assertThat(f.message())
                  .startsWith("standby-a accepts user cdc_tls only over TLS (")
                  .contains("no pg_hba.conf entry for host \"127.0.0.1\", user \"cdc_tls\"")
                  .contains("no encryption")
                  .endsWith("): set spec.source.tls.mode to required, verify-ca or verify-full");
            });
  }

  /**
   * Not TLS_REQUIRED without {@code spec.source.tls}: pgjdbc then keeps its default, {@code
   * sslmode=prefer}, asks for TLS first and, as the standby offers it, logs in encrypted without
   * checking the certificate (a plain login is refused, see above). Debezium's default sslmode is
   * the same, so check and connector agree.
   */
  @Test
  void withoutASpecPgjdbcPrefersTlsAndGetsIn() {
    assertThat(checker.check(request(SourceTls.DEFAULT)).join().findings()).isEmpty();
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
                  .startsWith("the TLS handshake with standby-a at 127.0.0.1:")
                  .contains("spec.source.tls.caSecretName");
            });
    // required encrypts without checking the certificate: the same standby passes.
    assertThat(
            checker
                .check(request(new SourceTls(SourceTlsMode.REQUIRED, otherCa.caPem())))
                .join()
                .findings())
        .isEmpty();
  }

  /**
   * Debezium's PostgreSQL connector as the operator renders it for {@code verify-full}: pgjdbc's
   * single-certificate factory with the CA's PEM through the secrets provider. The user can log in
   * only over TLS, so a change arriving proves that both the JDBC and the replication connection
   * verified the standby.
   */
  @Test
  void debeziumStreamsFromTheStandbyOverVerifiedTls() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedConnect connect = EmbeddedConnect.start(kafka)) {
      connect.putSecret("shop", "cdc-pg", "username", TLS_USER);
      connect.putSecret("shop", "cdc-pg", "password", TLS_PASSWORD);
      connect.putSecret("shop", "db-ca", "ca.crt", certificate.caPem());
      PostgresServer standby = cluster.standby(0);
      CdcPipeline pipeline =
          TestPipelines.parse(
              """
              apiVersion: cdc.twinlog.io/v1alpha1
              kind: CdcPipeline
              metadata: {name: orders, namespace: shop, generation: 1}
              spec:
                kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "%s"}
                source:
                  type: postgresql
                  include: {databases: [shop], tables: [public.orders]}
                  credentials: {secretName: cdc-pg}
                  snapshot: {mode: no_data}
                  replicas:
                    - {name: standby-a, host: "%s", port: %d}
              """
                  .formatted(kafka.bootstrapServers(), standby.host(), standby.port()));
      SourceTlsSpec tls = new SourceTlsSpec();
      tls.setMode(SourceTlsMode.VERIFY_FULL);
      tls.setCaSecretName("db-ca");
      pipeline.getSpec().getSource().setTls(tls);
      KafkaConnector connector = SourceConnectors.of(pipeline).getFirst();
      assertThat(connector.getSpec().getConfig())
          .containsEntry("database.sslmode", "verify-full")
          .containsEntry("database.sslfactoryarg", "${secrets:shop/db-ca:ca.crt}");
      String name = connector.getMetadata().getName();
      ConnectRest rest = connect.rest();
      rest.createConnector(name, RealSources.connectConfig(connector));
      awaitSlot(standby, ResourceNames.replicationSlot(pipeline, "standby-a"));
      await()
          .atMost(WAIT)
          .ignoreExceptionsInstanceOf(ConnectRest.ConnectRestException.class)
          .until(() -> rest.status(name).isRunning());

      cluster.primary().executeIn(DATABASE, "INSERT INTO orders VALUES (1, 'over tls')");
      String topic = ResourceNames.sourceTopicPrefix(pipeline, "standby-a") + ".public.orders";
      assertThat(kafka.consume(topic, 1, WAIT))
          .extracting(ConsumerRecord::value)
          .singleElement()
          .asString()
          .contains("\"status\":\"over tls\"");
      assertThat(rest.status(name).isRunning()).isTrue();
      // The connector's sessions on the standby are encrypted (the user has no other way in).
      assertThat(
              standby.queryString(
                  "SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)"
                      + " WHERE usename = '"
                      + TLS_USER
                      + "' AND ssl AND backend_type = 'walsender'"))
          .isEqualTo("1");
      rest.delete(name);
    }
  }

  /**
   * A logical slot on a standby waits for a running-xacts record from the primary: ask for them
   * until the connector's slot exists.
   */
  private static void awaitSlot(PostgresServer server, String slot) {
    await(slot + " on " + server.name())
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              cluster.primary().queryString("SELECT pg_log_standby_snapshot()");
              return server.queryString(
                      "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '"
                          + slot
                          + "'")
                  != null;
            });
  }
}
