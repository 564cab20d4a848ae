package io.twinlog.operator.it;

import static io.twinlog.testkit.PostgresCluster.CDC_PASSWORD;
import static io.twinlog.testkit.PostgresCluster.CDC_USER;
import static io.twinlog.testkit.PostgresCluster.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's WAL heartbeat as the status shows it, against a real primary and standby: a
 * pipeline that lists only the standby, whose CDC user may not see where it streams from, reports
 * WalHeartbeatFailed (with a Warning Event) and no crash loop; once the user may, the heartbeat is
 * written on the primary found through the standby and the condition says so.
 */
class WalHeartbeatOperatorIT {
  private static final String NS = "walbeat";

  private static PostgresCluster pg;
  private static MockCluster cluster;
  private static KubernetesClient client;
  private static TwinlogOperator operator;

  @BeforeAll
  static void start() {
    pg = PostgresCluster.builder().standbys(1).start();
    pg.primary()
        .executeIn(
            DATABASE,
            "CREATE TABLE orders (id int PRIMARY KEY)",
            "CREATE PUBLICATION twinlog FOR TABLE orders");
    pg.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    cluster = MockCluster.start();
    client = cluster.client();
    operator = TwinlogOperator.start(client, Clock.systemUTC(), OperatorSettings.inProcess());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static CdcPipeline pipeline() {
    return client.resources(CdcPipeline.class).inNamespace(NS).withName("orders").get();
  }

  private static Optional<Condition> walRetention() {
    CdcPipeline p = pipeline();
    return p == null || p.getStatus() == null
        ? Optional.empty()
        : Conditions.find(p.getStatus().getConditions(), ConditionTypes.WAL_RETENTION_OK);
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aStandbyOnlyPipelineSaysWhyNoHeartbeatIsWrittenUntilItsUserMaySeeThePrimary() {
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
                .withName("cdc-pg")
                .endMetadata()
                .addToData("username", b64(CDC_USER))
                .addToData("password", b64(CDC_PASSWORD))
                .build())
        .create();
    PostgresServer standby = pg.standby(0);
    String yaml =
        """
        apiVersion: cdc.twinlog.io/v1alpha1
        kind: CdcPipeline
        metadata: {name: orders, namespace: %s}
        spec:
          kafka: {cluster: main, connectCluster: cdc-connect}
          source:
            type: postgresql
            include: {databases: [%s], tables: [public.orders]}
            credentials: {secretName: cdc-pg}
            replicas:
              - {name: standby-a, host: "%s", port: %d}
          restartPolicy: {stallAfter: 8s}
        """
            .formatted(NS, DATABASE, standby.host(), standby.port());
    long t0 = System.nanoTime();
    client
        .resource(client.getKubernetesSerialization().unmarshal(yaml, CdcPipeline.class))
        .create();

    await("WalRetentionOk=False WalHeartbeatFailed")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                walRetention().filter(c -> "WalHeartbeatFailed".equals(c.getReason())).isPresent());
    Condition failed = walRetention().orElseThrow();
    System.out.println(
        "WalHeartbeatFailed after "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms: "
            + failed.getStatus()
            + " "
            + failed.getMessage());
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getMessage())
        .contains("standby-a (127.0.0.1:" + standby.port() + ") is a standby, and user cdc")
        .contains("GRANT pg_read_all_stats TO cdc");
    await("a Warning Event WalHeartbeatFailed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !events("WalHeartbeatFailed").isEmpty());
    assertThat(events("WalHeartbeatFailed"))
        .allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));

    pg.primary().execute("GRANT pg_read_all_stats TO " + CDC_USER);
    long t1 = System.nanoTime();
    await("WalRetentionOk=True with the heartbeat")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                walRetention()
                    .filter(c -> "True".equals(c.getStatus()))
                    .filter(c -> c.getMessage().contains("WAL heartbeat"))
                    .isPresent());
    Condition ok = walRetention().orElseThrow();
    System.out.println(
        "WalRetentionOk=True "
            + (System.nanoTime() - t1) / 1_000_000
            + " ms after the grant: "
            + ok.getReason()
            + " "
            + ok.getMessage());
    assertThat(ok.getMessage())
        .endsWith(
            " Twinlog writes a WAL heartbeat on the primary 127.0.0.1:"
                + pg.primary().port()
                + " (the primary standby-a (127.0.0.1:"
                + standby.port()
                + ") streams from) every 2s.");
  }

  private static List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
