package io.twinlog.operator.desired;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The KafkaTopics a pipeline owns: one deduplicated output topic per table, the dead-letter topics
 * and the dedup runtime's anomaly topic. Replication factor and retention are the Kafka cluster's
 * defaults.
 */
public final class Topics {
  private Topics() {}

  /** How long anomaly records are kept: a week, far beyond any hold time. */
  static final long ANOMALY_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

  /**
   * Output topics (spec order), then the dedup dead-letter and anomaly topics and, with a sink, the
   * sink dead-letter topic.
   */
  public static List<KafkaTopic> of(CdcPipeline pipeline) {
    List<KafkaTopic> topics = new ArrayList<>();
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
