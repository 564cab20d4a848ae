package io.twinlog.operator.webhook.desired;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import java.util.List;
import java.util.Map;

/**
 * The three KafkaTopics of a webhook. The receiver's topic and the dedup output have the same
 * partitions (the dedup step keeps each record's key, so its partition), the dead-letter topic one.
 */
public final class WebhookTopics {
  private WebhookTopics() {}

  public static List<KafkaTopic> of(ErpWebhook webhook) {
    int partitions = webhook.getSpec().getTopic().getPartitions();
    long retentionMs = Durations.toMillis(webhook.getSpec().getTopic().getRetention());
    // A body of the receiver's limit must fit, with its key and headers, after the dedup step too.
    int maxMessageBytes = maxMessageBytes(webhook);
    Map<String, Object> retention =
        Map.of("retention.ms", retentionMs, "max.message.bytes", maxMessageBytes);
    // The broker's clock, not the receiver pods': the dedup window runs on record time, and one
    // pod with a clock a day ahead would otherwise move stream time on and expire the window.
    Map<String, Object> received =
        Map.of(
            "retention.ms",
            retentionMs,
            "max.message.bytes",
            maxMessageBytes,
            "message.timestamp.type",
            "LogAppendTime");
    return List.of(
        topic(webhook, WebhookNames.topic(webhook), WebhookLabels.RECEIVER, partitions, received),
        topic(
            webhook, WebhookNames.dedupTopic(webhook), WebhookLabels.DEDUP, partitions, retention),
        topic(webhook, WebhookNames.deadLetterTopic(webhook), WebhookLabels.SINK, 1, Map.of()));
  }

  /** Largest record the webhook topics (and the producers writing them) must take. */
  public static int maxMessageBytes(ErpWebhook webhook) {
    return Math.max(
        1024 * 1024,
        webhook.getSpec().getReceiver().getMaxBodyBytes()
            + WebhookReceiverEnv.RECORD_OVERHEAD_BYTES);
  }

  private static KafkaTopic topic(
      ErpWebhook webhook,
      String topicName,
      String component,
      int partitions,
      Map<String, Object> config) {
    return new KafkaTopicBuilder()
        .withMetadata(
            WebhookOwnership.metadata(
                webhook,
                WebhookNames.kafkaTopicResource(topicName),
                WebhookLabels.topic(webhook, component)))
        .withNewSpec()
        .withTopicName(topicName)
        .withPartitions(partitions)
        .withConfig(config.isEmpty() ? null : config)
        .endSpec()
        .build();
  }
}
