package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Preflight findings of the source check reach the status, against real mariadbd: a replica that
 * logs statements (and not what it replicates) is reported with its reason while the good one
 * counts, and a replica that stops answering is reported unreachable.
 */
class PreflightFindingsOperatorIT {
  private static final String NS = "preflight";

  private static MariaDbCluster db;
  private static MockCluster cluster;
  private static KubernetesClient client;
  private static TwinlogOperator operator;

  @BeforeAll
  static void start() {
    db =
        MariaDbCluster.builder()
            .replicas(2)
            .flags("--binlog-expire-logs-seconds=" + Duration.ofDays(7).toSeconds())
            .replicaFlags(1, "--binlog-format=STATEMENT", "--log-slave-updates=OFF")
            .start();
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

  private CdcPipeline pipeline() {
    return client.resources(CdcPipeline.class).inNamespace(NS).withName("orders").get();
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private void awaitStatus(StrimziStandIn strimzi, Predicate<CdcPipelineStatus> ok) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> pipeline().getStatus() != null && ok.test(pipeline().getStatus()));
  }

  @Test
  void findingsOfTheSourceCheckMakeTheirSourceUnhealthyWithTheirReason() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("cdc-db")
                .endMetadata()
                .addToData("username", b64(MariaDbCluster.CDC_USER))
                .addToData("password", b64(MariaDbCluster.CDC_PASSWORD))
                .build())
        .create();
    MariaDbServer good = db.replica(0);
    MariaDbServer statements = db.replica(1);
    String yaml =
        Pipelines.ordersYaml(NS, "orders")
            .replace(
                "host: db-replica-a.db, port: 3306",
                "host: " + good.host() + ", port: " + good.port())
            .replace(
                "host: db-replica-b.db, port: 3306",
                "host: " + statements.host() + ", port: " + statements.port())
            .replace(
                "credentials: {secretName: cdc-db}",
                "credentials: {secretName: cdc-db, usernameKey: username, passwordKey: password}");
    client
        .resource(client.getKubernetesSerialization().unmarshal(yaml, CdcPipeline.class))
        .create();

    StrimziStandIn strimzi = new StrimziStandIn(client, NS);
    awaitStatus(strimzi, s -> s.getSources() != null && s.getSink() != null);
    strimzi.running(pipeline().getStatus().getSources().get(0).getConnectorName());
    strimzi.running(pipeline().getStatus().getSources().get(1).getConnectorName());
    strimzi.running(pipeline().getStatus().getSink().getConnectorName());

    awaitStatus(
        strimzi,
        s ->
            "BinlogFormatNotRow".equals(s.getSources().get(1).getReason())
                && "1/2".equals(s.getSourcesReady()));
    Condition sources =
        Conditions.find(pipeline().getStatus().getConditions(), ConditionTypes.SOURCES_HEALTHY)
            .orElseThrow();
    assertThat(sources.getStatus()).isEqualTo("False");
    assertThat(sources.getReason()).isEqualTo("BinlogFormatNotRow");
    assertThat(sources.getMessage()).contains("replica-b").contains("binlog_format=STATEMENT");
    assertThat(pipeline().getStatus().getSources().get(0).getReason()).isNull();

    // The good replica stops answering; a spec change starts a new check at once.
    good.kill();
    client
        .resources(CdcPipeline.class)
        .inNamespace(NS)
        .withName("orders")
        .edit(
            p -> {
              p.getSpec().getSource().getBinlogRetention().setCheckEvery("9m");
              return p;
            });
    awaitStatus(
        strimzi,
        s ->
            "SourceUnreachable".equals(s.getSources().get(0).getReason())
                && "0/2".equals(s.getSourcesReady()));
    assertThat(pipeline().getStatus().getSources().get(0).getLastError()).contains("source check");
  }
}
