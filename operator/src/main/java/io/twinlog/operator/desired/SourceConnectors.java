package io.twinlog.operator.desired;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.contracts.SourceHeaders;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CredentialsSpec;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.PostgresSpec;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.api.v1alpha1.SourceSpec;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.api.v1alpha1.SourceType;
import io.twinlog.operator.source.SourceTls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One Debezium KafkaConnector per replica. */
public final class SourceConnectors {
  private SourceConnectors() {}

  /** Debezium's MariaDB connector class. */
  public static final String MARIADB_CLASS = "io.debezium.connector.mariadb.MariaDbConnector";

  /** Debezium's MySQL connector class. */
  public static final String MYSQL_CLASS = "io.debezium.connector.mysql.MySqlConnector";

  /** Debezium's PostgreSQL connector class. */
  public static final String POSTGRES_CLASS = "io.debezium.connector.postgresql.PostgresConnector";

  /** The converter of keys and values: JSON without embedded schemas. */
  public static final String JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";

  /**
   * Binlog client keep-alive: Debezium's default (60 s) delays reconnecting to a replica that came
   * back; 5 s resumed within seconds on real replicas (PipelineE2E, replica killed and back).
   */
  public static final long KEEP_ALIVE_MS = 5_000;

  /** Upper bound of the heartbeat interval; shorter when {@code restartPolicy.stallAfter} is. */
  public static final long MAX_HEARTBEAT_MS = 10_000;

  /** The source connectors, in the order of {@code spec.source.replicas}, each starting alone. */
  public static List<KafkaConnector> of(CdcPipeline pipeline) {
    return of(pipeline, ConsistentStart.Plan.NONE);
  }

  /**
   * The source connectors, in the order of {@code spec.source.replicas}, each shaped for where it
   * is in the pipeline's consistent start ({@link ConsistentStart}).
   */
  public static List<KafkaConnector> of(CdcPipeline pipeline, ConsistentStart.Plan start) {
    return pipeline.getSpec().getSource().getReplicas().stream()
        .map(
            replica -> {
              KafkaConnector connector = of(pipeline, replica);
              ConsistentStart.shape(pipeline, replica, connector, start);
              return connector;
            })
        .toList();
  }

  /** The connector reading one replica. */
  public static KafkaConnector of(CdcPipeline pipeline, ReplicaSpec replica) {
    return Connectors.connector(
        pipeline,
        ResourceNames.sourceConnector(pipeline, replica.getName()),
        Labels.sourceConnector(pipeline, replica.getName()),
        connectorClass(pipeline.getSpec().getSource().getType()),
        1,
        config(pipeline, replica));
  }

  /** The Debezium connector class for a source type. */
  public static String connectorClass(SourceType type) {
    return switch (type) {
      case MYSQL -> MYSQL_CLASS;
      case MARIADB -> MARIADB_CLASS;
      case POSTGRESQL -> POSTGRES_CLASS;
    };
  }

  static Map<String, Object> config(CdcPipeline pipeline, ReplicaSpec replica) {
    SourceSpec source = pipeline.getSpec().getSource();
    CredentialsSpec credentials = source.getCredentials();
    String namespace = pipeline.getMetadata().getNamespace();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("database.hostname", replica.getHost());
    config.put("database.port", source.port(replica));
    config.put(
        "database.user",
        SecretRefs.of(namespace, credentials.getSecretName(), credentials.getUsernameKey()));
    config.put(
        "database.password",
        SecretRefs.of(namespace, credentials.getSecretName(), credentials.getPasswordKey()));
    tls(pipeline, config);
    config.put("topic.prefix", ResourceNames.sourceTopicPrefix(pipeline, replica.getName()));
    // The include lists are regular expressions: escape the dot between database (PostgreSQL:
    // schema) and table.
    config.put(
        "table.include.list",
        source.getInclude().getTables().stream()
            .map(t -> t.replace(".", "\\."))
            .collect(Collectors.joining(",")));
    if (source.getType().binlog()) {
      binlog(pipeline, replica, config);
    } else {
      postgres(pipeline, replica, config);
    }
    config.put("snapshot.mode", source.getSnapshot().getMode().value());
    config.put("heartbeat.interval.ms", heartbeatMillis(pipeline));
    // Debezium waits up to poll.interval.ms (default 500) for a batch of max.batch.size (2,048)
    // to fill before handing it to Connect: at OLTP rates it never fills, so every change waited
    // the whole interval, more than half of the commit-to-ERP latency (docs/benchmarks.md).
    config.put("poll.interval.ms", Durations.toMillis(source.getPollInterval()));
    // Without embedded schemas: the schema names contain the per-replica topic prefix, which
    // would make the same change differ between replicas.
    config.put("key.converter", JSON_CONVERTER);
    config.put("key.converter.schemas.enable", false);
    config.put("value.converter", JSON_CONVERTER);
    config.put("value.converter.schemas.enable", false);
    // One partition per captured table keeps each replica's stream in commit order.
    config.put("topic.creation.default.partitions", Topics.SOURCE_PARTITIONS);
    config.put("topic.creation.default.replication.factor", -1);
    return config;
  }

  /**
   * {@code spec.source.tls} in the connector's words. The CA is given only where the certificate is
   * checked: Debezium's binlog reader verifies against any trust store it is given, even in its
   * trust/required mode. Debezium's MySQL and MariaDB connectors read the CA from a PKCS12 trust
   * store file, which the KafkaConnect mounts from the CA Secret; the PostgreSQL connector takes
   * the PEM itself through pgjdbc's single-certificate factory, so nothing is mounted
   * (docs/concepts/security.md).
   */
  private static void tls(CdcPipeline pipeline, Map<String, Object> config) {
    SourceSpec source = pipeline.getSpec().getSource();
    SourceTlsSpec tls = source.getTls();
    if (tls == null) {
      return;
    }
    String namespace = pipeline.getMetadata().getNamespace();
    String mode = tls.getMode().spelling(source.getType());
    boolean verify = tls.getMode().verifies() && tls.getCaSecretName() != null;
    if (source.getType().binlog()) {
      config.put("database.ssl.mode", mode);
      if (verify) {
        config.put("database.ssl.truststore", tls.connectTrustStorePath());
        config.put(
            "database.ssl.truststore.password",
            SecretRefs.of(namespace, tls.getCaSecretName(), tls.getTrustStorePasswordKey()));
      }
    } else {
      config.put("database.sslmode", mode);
      if (verify) {
        config.put("database.sslfactory", SourceTls.PGJDBC_SINGLE_CERT_FACTORY);
        config.put(
            "database.sslfactoryarg",
            SecretRefs.of(namespace, tls.getCaSecretName(), tls.getCaKey()));
      }
    }
  }

  /** What only the binlog connectors (MySQL, MariaDB) have. */
  private static void binlog(
      CdcPipeline pipeline, ReplicaSpec replica, Map<String, Object> config) {
    SourceSpec source = pipeline.getSpec().getSource();
    config.put("database.server.id", replica.getServerId());
    config.put("database.include.list", String.join(",", source.getInclude().getDatabases()));
    config.put(
        "schema.history.internal.kafka.topic",
        ResourceNames.schemaHistoryTopic(pipeline, replica.getName()));
    config.put(
        "schema.history.internal.kafka.bootstrap.servers",
        ResourceNames.bootstrapServers(pipeline));
    config.putAll(KafkaClientSecurity.schemaHistory(pipeline));
    config.put("connect.keep.alive", true);
    config.put("connect.keep.alive.interval.ms", KEEP_ALIVE_MS);
    // (source.gtid, transaction.total_order) identifies a change across replicas
    // (docs/concepts/deduplication.md).
    config.put("provide.transaction.metadata", true);
    // total_order restarts from 1 when a task resumes inside a transaction; Twinlog's transform
    // (in the twinlog-erp-connector plugin) stamps each record with the event and row of its
    // source offset, which a resume does not renumber (docs/concepts/deduplication.md). The only
    // transform: nothing else in a source connector's config sets "transforms".
    config.put("transforms", SourceHeaders.TRANSFORM_ALIAS);
    config.put("transforms." + SourceHeaders.TRANSFORM_ALIAS + ".type", SourceHeaders.TRANSFORM);
  }

  /**
   * What only the PostgreSQL connector has. A change's WAL position ({@code source.lsn}, {@code
   * source.txId}) is the same on the primary and every standby, so it identifies the change across
   * replicas with no transaction metadata (docs/concepts/postgresql.md); there is no schema history
   * (pgoutput sends each table's columns with its changes).
   */
  private static void postgres(
      CdcPipeline pipeline, ReplicaSpec replica, Map<String, Object> config) {
    SourceSpec source = pipeline.getSpec().getSource();
    PostgresSpec postgres = source.postgresOrDefaults();
    config.put("database.dbname", source.getInclude().getDatabases().getFirst());
    config.put("plugin.name", "pgoutput");
    config.put("slot.name", ResourceNames.replicationSlot(pipeline, replica.getName()));
    // The slot outlives a stopped connector, so a restart resumes where it stopped; Twinlog drops
    // it when the pipeline or the replica goes (docs/concepts/postgresql.md).
    config.put("slot.drop.on.stop", false);
    config.put("publication.name", postgres.getPublication());
    config.put("publication.autocreate.mode", postgres.getPublicationAutocreate().value());
    // The operator's WAL heartbeat on the primary (a logical message with this prefix) moves the
    // slot of an idle replica at the connector's next heartbeat; excluded, it writes no record
    // (docs/concepts/postgresql.md).
    config.put("message.prefix.exclude.list", ResourceNames.WAL_HEARTBEAT_PREFIX);
  }

  /**
   * Heartbeats at least four times per stall window, at most every 10 s; three intervals without
   * one (while a sibling beats) make a source unhealthy.
   */
  public static long heartbeatMillis(CdcPipeline pipeline) {
    long stallMs = Durations.toMillis(pipeline.getSpec().getRestartPolicy().getStallAfter());
    return Math.max(1_000, Math.min(MAX_HEARTBEAT_MS, stallMs / 4));
  }
}
