package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.strimzi.api.kafka.model.common.ConnectorState;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.contracts.SourceHeaders;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.SourceTlsMode;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.api.v1alpha1.SourceType;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceConnectorsTest {

  @Test
  void oneMariaDbConnectorPerReplicaWithItsOwnIdentity() {
    CdcPipeline p = TestPipelines.minimal();
    List<KafkaConnector> connectors = SourceConnectors.of(p);
    assertThat(connectors).hasSize(2);
    KafkaConnector b = connectors.get(1);
    assertThat(b.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
    assertThat(b.getKind()).isEqualTo("KafkaConnector");
    assertThat(b.getMetadata().getName()).isEqualTo("orders-source-replica-b");
    assertThat(b.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(b.getSpec().getClassName()).isEqualTo(SourceConnectors.MARIADB_CLASS);
    assertThat(b.getSpec().getTasksMax()).isEqualTo(1);
    assertThat(b.getSpec().getAutoRestart().isEnabled()).isFalse();
    assertThat(b.getSpec().getState()).isEqualTo(ConnectorState.RUNNING);
    assertThat(b.getSpec().getConfig())
        .contains(
            entry("database.hostname", "db-replica-b.db"),
            entry("database.port", 3307),
            entry("database.server.id", 5402L),
            entry("topic.prefix", "shop.orders.replica-b"),
            entry("database.include.list", "shop"),
            entry("table.include.list", "shop\\.orders,shop\\.order_items"),
            entry("schema.history.internal.kafka.topic", "shop.orders.replica-b.schema-history"),
            entry("schema.history.internal.kafka.bootstrap.servers", "main-kafka-bootstrap:9092"),
            entry("snapshot.mode", "initial"),
            entry("heartbeat.interval.ms", 10_000L),
            entry("poll.interval.ms", 50L),
            entry("connect.keep.alive.interval.ms", 5_000L),
            entry("provide.transaction.metadata", true),
            entry("transforms", "twinlogTxPosition"),
            entry("transforms.twinlogTxPosition.type", "io.twinlog.connect.TransactionPosition"),
            entry("key.converter", SourceConnectors.JSON_CONVERTER),
            entry("value.converter", SourceConnectors.JSON_CONVERTER));
    assertThat(b.getSpec().getConfig())
        .as("the WAL heartbeat is PostgreSQL's alone")
        .doesNotContainKey("message.prefix.exclude.list");
    assertThat(connectors.get(0).getSpec().getConfig())
        .contains(entry("database.port", 3306), entry("database.server.id", 5401L))
        .doesNotContainEntry("topic.prefix", "shop.orders.replica-b");
  }

  @Test
  void onePostgresConnectorPerReplicaWithItsOwnSlotAndNoBinlogSettings() {
    CdcPipeline p = TestPipelines.postgres();
    List<KafkaConnector> connectors = SourceConnectors.of(p);
    assertThat(connectors).hasSize(2);
    Map<String, Object> b = connectors.get(1).getSpec().getConfig();
    assertThat(connectors.get(1).getSpec().getClassName())
        .isEqualTo(SourceConnectors.POSTGRES_CLASS);
    assertThat(b)
        .contains(
            entry("database.hostname", "pg-standby-b.db"),
            entry("database.port", 5433),
            entry("database.dbname", "shop"),
            entry("database.user", "${secrets:shop/cdc-db:username}"),
            entry("plugin.name", "pgoutput"),
            entry("slot.name", ResourceNames.replicationSlot(p, "standby-b")),
            entry("slot.drop.on.stop", false),
            entry("publication.name", "twinlog_orders"),
            entry("publication.autocreate.mode", "disabled"),
            // The operator's WAL heartbeat moves the slot without a record of its own.
            entry("message.prefix.exclude.list", "twinlog"),
            entry("topic.prefix", "shop.orders.standby-b"),
            entry("table.include.list", "public\\.orders,billing\\.invoice_lines"),
            entry("heartbeat.interval.ms", 10_000L),
            entry("key.converter.schemas.enable", false));
    assertThat(b)
        .as("MySQL's and MariaDB's settings mean nothing to Debezium's PostgreSQL connector")
        .doesNotContainKeys(
            "database.server.id",
            "database.include.list",
            "schema.history.internal.kafka.topic",
            "schema.history.internal.kafka.bootstrap.servers",
            "connect.keep.alive",
            "provide.transaction.metadata",
            "transforms",
            "transforms." + SourceHeaders.TRANSFORM_ALIAS + ".type");
    assertThat(connectors.get(0).getSpec().getConfig())
        .as("PostgreSQL's port by default")
        .containsEntry("database.port", 5432)
        .containsEntry("slot.name", ResourceNames.replicationSlot(p, "standby-a"));
    assertThat(ResourceNames.replicationSlot(p, "standby-a"))
        .isNotEqualTo(ResourceNames.replicationSlot(p, "standby-b"));
  }

  @Test
  void credentialsAreSecretProviderReferencesOnly() {
    CdcPipeline p = TestPipelines.full();
    Map<String, Object> config = SourceConnectors.of(p).get(0).getSpec().getConfig();
    assertThat(config)
        .contains(
            entry("database.user", "${secrets:shop/cdc-db:user}"),
            entry("database.password", "${secrets:shop/cdc-db:pass}"));
  }

  @Test
  void mysqlSnapshotModeStallWindowAndState() {
    CdcPipeline p = TestPipelines.full();
    p.getSpec().setState(PipelineState.STOPPED);
    KafkaConnector c = SourceConnectors.of(p).get(2);
    assertThat(c.getSpec().getClassName()).isEqualTo(SourceConnectors.MYSQL_CLASS);
    assertThat(c.getSpec().getState()).isEqualTo(ConnectorState.STOPPED);
    assertThat(c.getSpec().getConfig())
        .contains(
            entry("transforms", SourceHeaders.TRANSFORM_ALIAS),
            entry("transforms." + SourceHeaders.TRANSFORM_ALIAS + ".type", SourceHeaders.TRANSFORM))
        .contains(
            entry("snapshot.mode", "when_needed"),
            entry("database.include.list", "shop,billing"),
            // stallAfter 90s: heartbeats every 22.5 s would be too rare; capped at 10 s.
            entry("heartbeat.interval.ms", 10_000L),
            // spec.source.pollInterval: the latency/CPU knob
            entry("poll.interval.ms", 20L));
    p.getSpec().getRestartPolicy().setStallAfter("20s");
    assertThat(SourceConnectors.of(p).get(0).getSpec().getConfig())
        .containsEntry("heartbeat.interval.ms", 5_000L);
    p.getSpec().setState(PipelineState.PAUSED);
    assertThat(SourceConnectors.of(p).get(0).getSpec().getState()).isEqualTo(ConnectorState.PAUSED);
  }

  @Test
  void withoutTlsTheConnectorsKeepDebeziumsDefaults() {
    assertThat(SourceConnectors.of(TestPipelines.minimal()).get(0).getSpec().getConfig())
        .doesNotContainKeys("database.ssl.mode", "database.ssl.truststore");
    assertThat(SourceConnectors.of(TestPipelines.postgres()).get(0).getSpec().getConfig())
        .doesNotContainKeys("database.sslmode", "database.sslfactory");
  }

  @Test
  void verifyingMariaDbReadsTheMountedTrustStoreWithItsPasswordFromTheSecret() {
    CdcPipeline p = TestPipelines.minimal();
    p.getSpec().getSource().setTls(tls(SourceTlsMode.VERIFY_FULL, "db-ca"));
    assertThat(SourceConnectors.of(p).get(1).getSpec().getConfig())
        .contains(
            entry("database.ssl.mode", "verify-full"),
            entry("database.ssl.truststore", "/mnt/db-ca/ca.p12"),
            entry("database.ssl.truststore.password", "${secrets:shop/db-ca:ca.password}"));

    p.getSpec().getSource().getTls().setConnectMountPath("/mnt/certs/");
    p.getSpec().getSource().getTls().setTrustStoreKey("truststore.p12");
    assertThat(SourceConnectors.of(p).get(1).getSpec().getConfig())
        .containsEntry("database.ssl.truststore", "/mnt/certs/truststore.p12");
  }

  @Test
  void requiredEncryptsWithoutATrustStoreBecauseDebeziumWouldVerifyAgainstOne() {
    CdcPipeline p = TestPipelines.full();
    p.getSpec().getSource().setTls(tls(SourceTlsMode.REQUIRED, "db-ca"));
    // full() reads MySQL, which spells it "required" (MariaDB: "trust").
    Map<String, Object> config = SourceConnectors.of(p).get(0).getSpec().getConfig();
    assertThat(config)
        .containsEntry("database.ssl.mode", "required")
        .doesNotContainKeys("database.ssl.truststore", "database.ssl.truststore.password");
  }

  @Test
  void mysqlSpellsTheModesItsOwnWay() {
    assertThat(
            java.util.Arrays.stream(SourceTlsMode.values())
                .map(m -> m.spelling(SourceType.MYSQL))
                .toList())
        .containsExactly("disabled", "required", "verify_ca", "verify_identity");
    assertThat(
            java.util.Arrays.stream(SourceTlsMode.values())
                .map(m -> m.spelling(SourceType.MARIADB))
                .toList())
        .containsExactly("disable", "trust", "verify-ca", "verify-full");
  }

  @Test
  void verifyingPostgresTakesThePemThroughPgjdbcsSingleCertificateFactory() {
    CdcPipeline p = TestPipelines.postgres();
    SourceTlsSpec tls = tls(SourceTlsMode.VERIFY_CA, "db-ca");
    tls.setCaKey("root.crt");
    p.getSpec().getSource().setTls(tls);
    assertThat(SourceConnectors.of(p).get(0).getSpec().getConfig())
        .contains(
            entry("database.sslmode", "verify-ca"),
            entry("database.sslfactory", "org.postgresql.ssl.SingleCertValidatingFactory"),
            entry("database.sslfactoryarg", "${secrets:shop/db-ca:root.crt}"))
        .doesNotContainKeys("database.ssl.truststore");
  }

  private static SourceTlsSpec tls(SourceTlsMode mode, String caSecret) {
    SourceTlsSpec tls = new SourceTlsSpec();
    tls.setMode(mode);
    tls.setCaSecretName(caSecret);
    return tls;
  }
}
