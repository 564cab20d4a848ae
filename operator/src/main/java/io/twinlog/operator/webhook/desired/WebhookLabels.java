package io.twinlog.operator.webhook.desired;

import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.desired.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels of what an {@link ErpWebhook} owns, in the same scheme as a pipeline's ({@link Labels}).
 */
public final class WebhookLabels {
  private WebhookLabels() {}

  /** The owning ErpWebhook's name. */
  public static final String WEBHOOK = "twinlog.io/webhook";

  /** Component of the receiver pods and their Service. */
  public static final String RECEIVER = "webhook-receiver";

  /** Component of the dedup step and its topics. */
  public static final String DEDUP = "webhook-dedup";

  /** Component of the sink connector and its dead-letter topic. */
  public static final String SINK = "webhook-sink";

  public static Map<String, String> of(ErpWebhook webhook, String component) {
    Map<String, String> labels = pods(webhook, component);
    labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    labels.put(WEBHOOK, webhook.getMetadata().getName());
    return labels;
  }

  /** The selector of one component's pods (stable: a Deployment's selector cannot change). */
  public static Map<String, String> pods(ErpWebhook webhook, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.NAME, Labels.NAME_VALUE);
    labels.put(Labels.INSTANCE, webhook.getMetadata().getName());
    labels.put(Labels.COMPONENT, component);
    return labels;
  }

  /** With Strimzi's cluster label, for KafkaTopics ({@code kafka.cluster}). */
  public static Map<String, String> topic(ErpWebhook webhook, String component) {
    Map<String, String> labels = of(webhook, component);
    labels.put(Labels.STRIMZI_CLUSTER, webhook.getSpec().getKafka().getCluster());
    return labels;
  }

  /** With Strimzi's cluster label, for the KafkaConnector ({@code kafka.connectCluster}). */
  public static Map<String, String> connector(ErpWebhook webhook) {
    Map<String, String> labels = of(webhook, SINK);
    labels.put(Labels.STRIMZI_CLUSTER, webhook.getSpec().getKafka().getConnectCluster());
    return labels;
  }
}
