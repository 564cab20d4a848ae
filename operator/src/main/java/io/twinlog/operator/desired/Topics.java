package io.twinlog.operator.desired;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The KafkaTopics a pipeline owns: each replica's table, heartbeat and (MySQL, MariaDB)
 * schema-history topics, one deduplicated output topic per table, the dead-letter topics and the
 * dedup runtime's anomaly topic. Replication factor and retention are the Kafka cluster's defaults.
 */
public final class Topics {
  private Topics() {}

  /** How long anomaly records are kept: a week, far beyond any hold time. */
  static final long ANOMALY_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

  /** Partitions of a source topic: the connectors' {@code topic.creation.default.partitions}. */
  static final int SOURCE_PARTITIONS = 1;

  /**
   * Source topics (per replica in spec order: its tables, then its heartbeat topic), output topics
   * (spec order), then the dedup dead-letter and anomaly topics and, with a sink, the sink
   * dead-letter topic.
   */
  public static List<KafkaTopic> of(CdcPipeline pipeline) {
    List<KafkaTopic> topics = new ArrayList<>(sourceTopics(pipeline));
    topics.addAll(schemaHistoryTopics(pipeline));
    int partitions = pipeline.getSpec().getDedup().getPartitions();
    for (String topic : ResourceNames.outputTopics(pipeline)) {
      topics.add(topic(pipeline, topic, Labels.DEDUP, partitions));
    }
    topics.add(topic(pipeline, ResourceNames.dedupDeadLetterTopic(pipeline), Labels.DEDUP, null));
    // One partition: the operator reads it whole; compaction keeps the latest per source and kind.
    KafkaTopic anomalies =
        topic(pipeline, ResourceNames.dedupAnomalyTopic(pipeline), Labels.DEDUP, 1);
    anomalies
        .getSpec()
        .setConfig(
            Map.of("cleanup.policy", "compact,delete", "retention.ms", ANOMALY_RETENTION_MS));
    topics.add(anomalies);
    if (pipeline.getSpec().getSink() != null) {
      topics.add(topic(pipeline, ResourceNames.sinkDeadLetterTopic(pipeline), Labels.SINK, null));
    }
    return topics;
  }

  /**
   * The topics Debezium would create on a table's first change and on its first heartbeat. Made in
   * advance, so the dedup runtime is assigned them from its start: created later, a topic waits for
   * the runtime's next metadata refresh and a rebalance, seconds in which that table's first
   * changes sit unread (the cold start). One partition each, as the connectors' {@code
   * topic.creation.default.partitions}: one replica's changes of a table stay in commit order.
   */
  static List<KafkaTopic> sourceTopics(CdcPipeline pipeline) {
    List<KafkaTopic> topics = new ArrayList<>();
    for (ReplicaSpec replica : pipeline.getSpec().getSource().getReplicas()) {
      for (String table : pipeline.getSpec().getSource().getInclude().getTables()) {
        topics.add(
            topic(
                pipeline,
                ResourceNames.sourceTopic(pipeline, replica.getName(), table),
                Labels.SOURCE,
                SOURCE_PARTITIONS));
      }
      topics.add(
          topic(
              pipeline,
              ResourceNames.heartbeatTopic(
                  ResourceNames.sourceTopicPrefix(pipeline, replica.getName())),
              Labels.SOURCE,
              SOURCE_PARTITIONS));
    }
    return topics;
  }

  /**
   * Each MySQL or MariaDB replica's schema-history topic, owned so that no broker default can
   * expire it: Debezium cannot read a binlog position without the history up to it, and a topic
   * someone else created with the cluster's retention (a week by default) loses its oldest DDL
   * silently until the connector refuses to start ({@code SchemaHistoryMissing}). One partition
   * (Debezium reads it in order), kept forever, never compacted (every record matters, and the
   * records share no key). PostgreSQL has none.
   */
  static List<KafkaTopic> schemaHistoryTopics(CdcPipeline pipeline) {
    if (!pipeline.getSpec().getSource().getType().binlog()) {
      return List.of();
    }
    List<KafkaTopic> topics = new ArrayList<>();
    for (ReplicaSpec replica : pipeline.getSpec().getSource().getReplicas()) {
      KafkaTopic history =
          topic(
              pipeline,
              ResourceNames.schemaHistoryTopic(pipeline, replica.getName()),
              Labels.SOURCE,
              1);
      history
          .getSpec()
          .setConfig(
              Map.of("cleanup.policy", "delete", "retention.ms", -1L, "retention.bytes", -1L));
      topics.add(history);
    }
    return topics;
  }

  private static KafkaTopic topic(
      CdcPipeline pipeline, String topicName, String component, Integer partitions) {
    return new KafkaTopicBuilder()
        .withMetadata(
            Ownership.metadata(
                pipeline,
                ResourceNames.kafkaTopicResource(topicName),
                Labels.topic(pipeline, component)))
        .withNewSpec()
        .withTopicName(topicName)
        .withPartitions(partitions)
        .endSpec()
        .build();
  }
}
