package io.twinlog.operator.webhook.desired;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorBuilder;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.ErpSinkSpec;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.desired.SinkConnector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The KafkaConnector running Twinlog's ERP sink from the dedup output to the system: the ERP's body
 * byte for byte ({@code raw}), the event id header as {@code Idempotency-Key}.
 */
public final class WebhookSinkConnector {
  private WebhookSinkConnector() {}

  /** Converter of key, value and headers: bytes reach the sink as the ERP sent them. */
  public static final String CONVERTER = "org.apache.kafka.connect.storage.StringConverter";

  public static KafkaConnector of(ErpWebhook webhook) {
    return new KafkaConnectorBuilder()
        .withMetadata(
            WebhookOwnership.metadata(
                webhook, WebhookNames.sinkConnector(webhook), WebhookLabels.connector(webhook)))
        .withNewSpec()
        .withClassName(ErpSinkConfigKeys.CONNECTOR_CLASS)
        // Per-entity order holds per partition; more tasks than partitions would idle.
        .withTasksMax(webhook.getSpec().getTopic().getPartitions())
        .withConfig(config(webhook))
        .endSpec()
        .build();
  }

  static Map<String, Object> config(ErpWebhook webhook) {
    ErpSinkSpec delivery = webhook.getSpec().getDelivery();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("topics", WebhookNames.dedupTopic(webhook));
    config.put(ErpSinkConfigKeys.URL, delivery.getUrl());
    config.put(ErpSinkConfigKeys.METHOD, delivery.getMethod().value());
    if (!delivery.getHeaders().isEmpty()) {
      config.put(
          ErpSinkConfigKeys.HEADERS,
          delivery.getHeaders().entrySet().stream()
              .map(h -> h.getKey() + ":" + h.getValue())
              .collect(Collectors.joining(",")));
    }
    SinkConnector.credentials(webhook.getMetadata().getNamespace(), delivery, config);
    config.put(ErpSinkConfigKeys.TIMEOUT_MS, Durations.toMillis(delivery.getTimeout()));
    config.put(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, delivery.getRetry().getMaxAttempts());
    config.put(
        ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS,
        Durations.toMillis(delivery.getRetry().getInitialBackoff()));
    config.put(
        ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS,
        Durations.toMillis(delivery.getRetry().getMaxBackoff()));
    config.put(ErpSinkConfigKeys.BATCH_MAX_RECORDS, delivery.getBatch().getMaxRecords());
    config.put(ErpSinkConfigKeys.BATCH_MAX_BYTES, delivery.getBatch().getMaxBytes());
    config.put(ErpSinkConfigKeys.TOMBSTONES, delivery.getTombstones().value());
    // The system receives what the ERP sent, not a Debezium-shaped change.
    config.put(ErpSinkConfigKeys.BODY_FORMAT, "raw");
    config.put("key.converter", CONVERTER);
    config.put("value.converter", CONVERTER);
    // Keeps twinlog.change.id (the event id, the idempotency key) byte-exact.
    config.put("header.converter", CONVERTER);
    // The dedup step writes in transactions; an aborted one must not reach the system.
    config.put("consumer.override.isolation.level", "read_committed");
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", WebhookNames.deadLetterTopic(webhook));
    config.put("errors.deadletterqueue.context.headers.enable", true);
    return config;
  }
}
