package io.twinlog.operator.desired;

import io.twinlog.contracts.DebeziumTopics;
import io.twinlog.contracts.OperatorEnv;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.DedupSpec;
import io.twinlog.operator.api.v1alpha1.KafkaSpec;
import io.twinlog.operator.api.v1alpha1.SinkSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Every name Twinlog derives from a CdcPipeline: Kubernetes resources, Kafka topics, the Kafka
 * Streams application id. Names that would exceed their limit are truncated and end in a short hash
 * of the full name, so they stay unique and stable.
 */
public final class ResourceNames {
  private ResourceNames() {}

  /** Longest Kubernetes name Twinlog creates (a DNS label, so it also fits label values). */
  public static final int MAX_KUBERNETES_NAME = 63;

  /** Longest KafkaTopic resource name (a DNS subdomain). */
  public static final int MAX_KAFKA_TOPIC_RESOURCE_NAME = 253;

  /** Kafka's limit on topic names. */
  public static final int MAX_TOPIC_NAME = 249;

  /**
   * Longest topic prefix Twinlog derives; leaves room for {@code .<database>.<table>} (2 x 64 + 2)
   * and Debezium's and Kafka Streams' own suffixes within {@link #MAX_TOPIC_NAME}.
   */
  public static final int MAX_TOPIC_PREFIX = DedupSpec.MAX_OUTPUT_TOPIC_PREFIX_LENGTH;

  private static final int HASH_LENGTH = 8;

  /** KafkaConnector of one replica: {@code <pipeline>-source-<replica>}. */
  public static String sourceConnector(CdcPipeline pipeline, String replica) {
    return kubernetesName(name(pipeline) + "-source-" + replica);
  }

  /** KafkaConnector of the ERP sink: {@code <pipeline>-sink}. */
  public static String sinkConnector(CdcPipeline pipeline) {
    return kubernetesName(name(pipeline) + "-sink");
  }

  /**
   * The dedup runtime's KafkaUser, and so its principal and the Secret Strimzi writes for it:
   * {@code <pipeline>-dedup}.
   */
  public static String dedupKafkaUser(CdcPipeline pipeline) {
    return kubernetesName(name(pipeline) + "-dedup");
  }

  /** Deployment and PodDisruptionBudget of the dedup runtime: {@code <pipeline>-dedup}. */
  public static String dedup(CdcPipeline pipeline) {
    return kubernetesName(name(pipeline) + "-dedup");
  }

  /** ConfigMap of the dedup runtime: {@code <pipeline>-dedup-config}. */
  public static String dedupConfigMap(CdcPipeline pipeline) {
    return kubernetesName(name(pipeline) + "-dedup-config");
  }

  /** Metrics Service of the dedup runtime: {@code <pipeline>-dedup-metrics}. */
  public static String dedupMetricsService(CdcPipeline pipeline) {
    return kubernetesName(name(pipeline) + "-dedup-metrics");
  }

  /**
   * The ConfigMap Strimzi lists a source connector's offsets into ({@code spec.listOffsets}), the
   * position other sources are seeded from (docs/concepts/consistent-start.md).
   */
  public static String listedOffsetsConfigMap(String connector) {
    return kubernetesName(connector + "-offsets-listed");
  }

  /** The ConfigMap a seeded connector's offsets are set from ({@code spec.alterOffsets}). */
  public static String seedOffsetsConfigMap(String connector) {
    return kubernetesName(connector + "-offsets-seed");
  }

  /** Debezium {@code topic.prefix} of one replica: {@code <namespace>.<pipeline>.<replica>}. */
  public static String sourceTopicPrefix(CdcPipeline pipeline, String replica) {
    return topicPrefix(base(pipeline) + "." + replica);
  }

  /**
   * Debezium's topic of one replica's changes to one table: {@code <topic.prefix>.<db>.<table>}.
   */
  public static String sourceTopic(CdcPipeline pipeline, String replica, String table) {
    return sourceTopicPrefix(pipeline, replica) + "." + table;
  }

  /** The heartbeat topic Debezium writes for a {@code topic.prefix} ({@link DebeziumTopics}). */
  public static String heartbeatTopic(String topicPrefix) {
    return DebeziumTopics.heartbeatTopic(topicPrefix);
  }

  /**
   * The prefix of the logical decoding message the operator writes on a PostgreSQL primary as a WAL
   * heartbeat ({@code pg_logical_emit_message(false, 'twinlog', ...)}); the source connectors
   * exclude it ({@code message.prefix.exclude.list}), so it moves their slots without a record.
   */
  public static final String WAL_HEARTBEAT_PREFIX = "twinlog";

  /** PostgreSQL's limit on identifiers, and so on replication slot names (NAMEDATALEN - 1). */
  public static final int MAX_SLOT_NAME = 63;

  /**
   * The logical replication slot of one replica's connector: {@code
   * twinlog_<namespace>_<pipeline>_<replica>_<hash>}, in PostgreSQL's slot alphabet (lower-case
   * letters, digits, {@code _}), at most 63 characters. The hash of the unsanitized {@code
   * namespace/pipeline/replica} always ends it: '-' and '.' become '_', so {@code a-b/c} and {@code
   * a/b-c} would otherwise share a slot, and two connectors on one slot take turns failing.
   */
  public static String replicationSlot(CdcPipeline pipeline, String replica) {
    String full = pipeline.getMetadata().getNamespace() + "/" + name(pipeline) + "/" + replica;
    String readable =
        ("twinlog_" + full.replace('/', '_'))
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_]", "_");
    String suffix = "_" + hash(full);
    return truncate(readable, MAX_SLOT_NAME - suffix.length()) + suffix;
  }

  /** Debezium schema history topic of one replica: {@code <topic.prefix>.schema-history}. */
  public static String schemaHistoryTopic(CdcPipeline pipeline, String replica) {
    return sourceTopicPrefix(pipeline, replica) + ".schema-history";
  }

  /**
   * Prefix of the deduplicated output topics: {@code spec.dedup.outputTopicPrefix}, or {@code
   * <namespace>.<pipeline>.cdc}.
   */
  public static String outputTopicPrefix(CdcPipeline pipeline) {
    String explicit = pipeline.getSpec().getDedup().getOutputTopicPrefix();
    return explicit != null ? explicit : topicPrefix(base(pipeline) + ".cdc");
  }

  /** Deduplicated output topic of one {@code database.table}: {@code <prefix>.<db>.<table>}. */
  public static String outputTopic(CdcPipeline pipeline, String table) {
    return outputTopicPrefix(pipeline) + "." + table;
  }

  /** The output topics of all included tables, in spec order. */
  public static List<String> outputTopics(CdcPipeline pipeline) {
    return pipeline.getSpec().getSource().getInclude().getTables().stream()
        .map(t -> outputTopic(pipeline, t))
        .toList();
  }

  /** Dead-letter topic of the dedup runtime: {@code <namespace>.<pipeline>.dedup-dlq}. */
  public static String dedupDeadLetterTopic(CdcPipeline pipeline) {
    return topicName(base(pipeline) + ".dedup-dlq");
  }

  /**
   * Topic the dedup runtime reports distrusted sources on ({@code DedupAnomalyRecord}s): {@code
   * <namespace>.<pipeline>.dedup-anomalies}.
   */
  public static String dedupAnomalyTopic(CdcPipeline pipeline) {
    return topicName(base(pipeline) + ".dedup-anomalies");
  }

  /**
   * Dead-letter topic of the ERP sink: {@code spec.sink.erp.deadLetterTopic}, or {@code
   * <namespace>.<pipeline>.sink-dlq}.
   */
  public static String sinkDeadLetterTopic(CdcPipeline pipeline) {
    SinkSpec sink = pipeline.getSpec().getSink();
    String explicit =
        sink == null || sink.getErp() == null ? null : sink.getErp().getDeadLetterTopic();
    return explicit != null ? explicit : topicName(base(pipeline) + ".sink-dlq");
  }

  /**
   * Kafka Streams application id (consumer group, internal topics): {@code <ns>.<pipeline>.dedup}.
   */
  public static String dedupApplicationId(CdcPipeline pipeline) {
    return topicPrefix(base(pipeline) + ".dedup");
  }

  /**
   * Kafka bootstrap servers: {@code spec.kafka.bootstrapServers}, or Strimzi's bootstrap service
   * {@code <cluster>-kafka-bootstrap} on the plain (9092) or, with TLS, the tls (9093) listener.
   */
  public static String bootstrapServers(CdcPipeline pipeline) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    if (kafka.getBootstrapServers() != null) {
      return kafka.getBootstrapServers();
    }
    return kafka.getCluster() + "-kafka-bootstrap:" + bootstrapPort(kafka);
  }

  /**
   * Where the operator, which runs in another namespace, reaches Kafka: the explicit bootstrap
   * servers, or the bootstrap service qualified with the pipeline's namespace.
   */
  public static String operatorBootstrapServers(CdcPipeline pipeline) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    if (kafka.getBootstrapServers() != null) {
      return kafka.getBootstrapServers();
    }
    return kafka.getCluster()
        + "-kafka-bootstrap."
        + pipeline.getMetadata().getNamespace()
        + ".svc:"
        + bootstrapPort(kafka);
  }

  /** Strimzi's conventional listener ports: plain 9092, tls 9093. */
  private static int bootstrapPort(KafkaSpec kafka) {
    return kafka.getTls() != null ? 9093 : 9092;
  }

  /**
   * The Secret with the CA the Kafka listener is verified against: {@code
   * spec.kafka.tls.caSecretName}, or Strimzi's {@code <cluster>-cluster-ca-cert}.
   */
  public static String kafkaCaSecret(CdcPipeline pipeline) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    String explicit = kafka.getTls() == null ? null : kafka.getTls().getCaSecretName();
    return explicit != null ? explicit : kafka.getCluster() + "-cluster-ca-cert";
  }

  /**
   * Where the operator reaches a Connect cluster's REST API: the Service Strimzi creates for a
   * KafkaConnect, {@code <connectCluster>-connect-api}, port 8083, in the pipeline's namespace. The
   * placeholders {@code {connectCluster}} and {@code {namespace}} are filled in.
   */
  public static final String STRIMZI_CONNECT_API_URL = OperatorEnv.DEFAULT_CONNECT_API_URL;

  /**
   * The base URL of the Connect REST API that runs a pipeline's connectors, from {@code template}
   * ({@link #STRIMZI_CONNECT_API_URL} unless the operator is configured otherwise).
   */
  public static String connectApiUrl(CdcPipeline pipeline, String template) {
    return connectApiUrl(
        pipeline.getMetadata().getNamespace(),
        pipeline.getSpec().getKafka().getConnectCluster(),
        template);
  }

  /** As {@link #connectApiUrl(CdcPipeline, String)}, for any owner of connectors. */
  public static String connectApiUrl(String namespace, String connectCluster, String template) {
    return (template == null ? STRIMZI_CONNECT_API_URL : template)
        .replace("{connectCluster}", connectCluster)
        .replace("{namespace}", namespace);
  }

  /**
   * Name of the KafkaTopic resource for a topic: the topic itself when it is a valid resource name,
   * otherwise a lower-cased, sanitised form ending in a hash of the topic (the real name goes into
   * {@code spec.topicName}).
   */
  public static String kafkaTopicResource(String topic) {
    String sanitized =
        topic
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9.-]", "-")
            .replaceAll("^[^a-z0-9]+", "")
            .replaceAll("[^a-z0-9]+$", "")
            .replaceAll("\\.{2,}", ".");
    if (sanitized.equals(topic) && topic.length() <= MAX_KAFKA_TOPIC_RESOURCE_NAME) {
      return topic;
    }
    String prefix =
        truncate(sanitized, MAX_KAFKA_TOPIC_RESOURCE_NAME - HASH_LENGTH - 1)
            .replaceAll("[.-]+$", "");
    return (prefix.isEmpty() ? "topic" : prefix) + "-" + hash(topic);
  }

  /** A Kubernetes name of at most 63 characters; longer ones end in a hash of the full name. */
  static String kubernetesName(String full) {
    return shorten(full, MAX_KUBERNETES_NAME, "-");
  }

  private static String topicPrefix(String full) {
    return shorten(full, MAX_TOPIC_PREFIX, "-");
  }

  private static String topicName(String full) {
    return shorten(full, MAX_TOPIC_NAME, "-");
  }

  private static String shorten(String full, int max, String separator) {
    if (full.length() <= max) {
      return full;
    }
    String head = truncate(full, max - HASH_LENGTH - separator.length()).replaceAll("[.-]+$", "");
    return head + separator + hash(full);
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }

  /** The first 8 hex digits of the SHA-256 of the text: stable across versions and JVMs. */
  static String hash(String text) {
    return sha256Hex(text).substring(0, HASH_LENGTH);
  }

  /** The SHA-256 of the UTF-8 text, as 64 lower-case hex digits. */
  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String name(CdcPipeline pipeline) {
    return pipeline.getMetadata().getName();
  }

  private static String base(CdcPipeline pipeline) {
    return pipeline.getMetadata().getNamespace() + "." + pipeline.getMetadata().getName();
  }
}
