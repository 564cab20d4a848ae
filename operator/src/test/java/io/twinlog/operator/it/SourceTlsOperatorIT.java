package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.api.v1alpha1.SourceTlsMode;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import io.twinlog.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replicas that accept the CDC user only over TLS, and a pipeline that does not ask for it: the
 * check names it (SourceTlsRequired), a connector failing because of it is not restarted in a loop
 * (every restart would be refused the same way), and setting {@code spec.source.tls} clears it.
 * Real mariadbd with certificates made at run time; Strimzi is the stand-in.
 */
class SourceTlsOperatorIT {
  private static final String NS = "tls";
  private static final String USER = "cdc_tls";
  private static final String PASSWORD = "tls-only-pw";
  private static final String DEBEZIUM_REFUSED =
      "org.apache.kafka.connect.errors.ConnectException: Error reading MariaDB variables: (conn=7)"
          + " Access denied for user 'cdc_tls'@'localhost' (using password: YES)";

  private static MariaDbCluster db;
  private static TestCertificates.ServerCertificate certificate;
  private static MockCluster cluster;
  private static KubernetesClient client;
  private static TwinlogOperator operator;

  @BeforeAll
  static void start() throws Exception {
    certificate = TestCertificates.server(Files.createTempDirectory("twinlog-tls-operator-"));
    String[] tls = {
      "--ssl-cert=" + certificate.certificate(),
      "--ssl-key=" + certificate.key(),
      "--ssl-ca=" + certificate.ca()
    };
    db =
        MariaDbCluster.builder()
            .replicas(2)
            .flags("--binlog-expire-logs-seconds=" + Duration.ofDays(7).toSeconds())
            .replicaFlags(0, tls)
            .replicaFlags(1, tls)
            .start();
    db.primary()
        .execute(
            "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "' REQUIRE SSL",
            "GRANT " + MariaDbCluster.CDC_GRANTS + " ON *.* TO '" + USER + "'@'%'");
    db.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    cluster = MockCluster.start();
    client = cluster.client();
    operator = TwinlogOperator.start(client, Clock.systemUTC(), OperatorSettings.inProcess());
  }

  @AfterAll
  static void stop() {
    operator.close();
    cluster.close();
    db.close();
  }

  private static CdcPipeline pipeline() {
    return client.resources(CdcPipeline.class).inNamespace(NS).withName("orders").get();
  }

  private static void awaitStatus(String what, Predicate<CdcPipelineStatus> ok) {
    await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> pipeline().getStatus() != null && ok.test(pipeline().getStatus()));
  }

  private static void secret(String name, Map<String, String> data) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).endMetadata();
    data.forEach(
        (k, v) ->
            secret.addToData(
                k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client.secrets().inNamespace(NS).resource(secret.build()).create();
  }

  private static String reason(CdcPipelineStatus status, int replica) {
    return status.getSources().get(replica).getReason();
  }

  @Test
  void aReplicaThatRequiresTlsIsNamedAndItsFailingConnectorIsNotRestartedUntilTheSpecAsksForTls() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    secret("cdc-db", Map.of("username", USER, "password", PASSWORD));
    secret("db-ca", Map.of("ca.crt", certificate.caPem()));
    MariaDbServer a = db.replica(0);
    MariaDbServer b = db.replica(1);
    String yaml =
        Pipelines.ordersYaml(NS, "orders")
            .replace(
                "host: db-replica-a.db, port: 3306", "host: " + a.host() + ", port: " + a.port())
            .replace(
                "host: db-replica-b.db, port: 3306", "host: " + b.host() + ", port: " + b.port())
            .replace(
                "credentials: {secretName: cdc-db}",
                "credentials: {secretName: cdc-db, usernameKey: username, passwordKey: password}");
    client
        .resource(client.getKubernetesSerialization().unmarshal(yaml, CdcPipeline.class))
        .create();
    StrimziStandIn strimzi = new StrimziStandIn(client, NS);
    awaitStatus("sources listed", s -> s.getSources() != null && s.getSink() != null);
    String connectorA = pipeline().getStatus().getSources().get(0).getConnectorName();
    String connectorB = pipeline().getStatus().getSources().get(1).getConnectorName();
    strimzi.running(connectorB);
    strimzi.running(pipeline().getStatus().getSink().getConnectorName());
    // Debezium, connecting in plain text as the spec says, is refused like a wrong password.
    strimzi.taskFailed(connectorA, DEBEZIUM_REFUSED);

    awaitStatus(
        "both sources SourceTlsRequired",
        s ->
            "SourceTlsRequired".equals(reason(s, 0))
                && "SourceTlsRequired".equals(reason(s, 1))
                && "0/2".equals(s.getSourcesReady()));
    SourceStatus failed = pipeline().getStatus().getSources().get(0);
    assertThat(failed.getLastError()).contains("accepts user cdc_tls only over TLS");
    // No restart asked for, and none counted, while it stays so: each would be refused again.
    await("no restart of " + connectorA)
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !restartAsked(connectorA)
                    && Objects.requireNonNullElse(
                            pipeline().getStatus().getSources().get(0).getRestarts(), 0)
                        == 0);

    // The fix: ask for TLS. The spec change starts a new check; the connector's new config
    // (database.ssl.mode) makes Connect restart it, which the stand-in reports.
    client
        .resources(CdcPipeline.class)
        .inNamespace(NS)
        .withName("orders")
        .edit(
            p -> {
              SourceTlsSpec tls = new SourceTlsSpec();
              tls.setMode(SourceTlsMode.VERIFY_FULL);
              tls.setCaSecretName("db-ca");
              p.getSpec().getSource().setTls(tls);
              return p;
            });
    await("connector config carries the TLS mode")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "verify-full"
                    .equals(connector(connectorA).getSpec().getConfig().get("database.ssl.mode")));
    strimzi.running(connectorA);
    awaitStatus(
        "both sources healthy over TLS",
        s -> reason(s, 0) == null && reason(s, 1) == null && "2/2".equals(s.getSourcesReady()));
  }

  private static KafkaConnector connector(String name) {
    return client.resources(KafkaConnector.class).inNamespace(NS).withName(name).get();
  }

  private static boolean restartAsked(String name) {
    Map<String, String> annotations = connector(name).getMetadata().getAnnotations();
    return annotations != null
        && (annotations.containsKey("strimzi.io/restart")
            || annotations.containsKey("strimzi.io/restart-task"));
  }
}
