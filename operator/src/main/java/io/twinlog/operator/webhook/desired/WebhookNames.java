package io.twinlog.operator.webhook.desired;

import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.desired.ResourceNames;

/** Names of everything an {@link ErpWebhook} owns; no other class concatenates them. */
public final class WebhookNames {
  private WebhookNames() {}

  /** Receiver Deployment, Service, PodDisruptionBudget and ConfigMap. */
  public static String receiver(ErpWebhook webhook) {
    return webhook.getMetadata().getName() + "-webhook";
  }

  /** Dedup step Deployment and ConfigMap. */
  public static String dedup(ErpWebhook webhook) {
    return webhook.getMetadata().getName() + "-webhook-dedup";
  }

  /** The sink KafkaConnector delivering to the system. */
  public static String sinkConnector(ErpWebhook webhook) {
    return webhook.getMetadata().getName() + "-webhook-sink";
  }

  /** The topic the receivers write: {@code <namespace>.<name>.webhooks}. */
  public static String topic(ErpWebhook webhook) {
    return webhook.getMetadata().getNamespace()
        + "."
        + webhook.getMetadata().getName()
        + ".webhooks";
  }

  /** The dedup step's output, read by the sink. */
  public static String dedupTopic(ErpWebhook webhook) {
    return topic(webhook) + ".dedup";
  }

  /**
   * What the system still refuses after the retries: the spec's topic or {@code ...webhooks.dlq}.
   */
  public static String deadLetterTopic(ErpWebhook webhook) {
    String explicit = webhook.getSpec().getDelivery().getDeadLetterTopic();
    return explicit != null ? explicit : topic(webhook) + ".dlq";
  }

  /** Kafka Streams application id of the dedup step: one per webhook, never changed. */
  public static String dedupApplicationId(ErpWebhook webhook) {
    return webhook.getMetadata().getNamespace()
        + "."
        + webhook.getMetadata().getName()
        + ".webhook-dedup";
  }

  /** KafkaTopic resource name for a topic (Strimzi's metadata.name rules). */
  public static String kafkaTopicResource(String topic) {
    return ResourceNames.kafkaTopicResource(topic);
  }

  /** {@code spec.kafka.bootstrapServers}, or Strimzi's plain listener service. */
  public static String bootstrapServers(ErpWebhook webhook) {
    String explicit = webhook.getSpec().getKafka().getBootstrapServers();
    return explicit != null
        ? explicit
        : webhook.getSpec().getKafka().getCluster() + "-kafka-bootstrap:9092";
  }

  /**
   * Where the operator, which runs in another namespace, reaches Kafka to read the dead letters:
   * {@code spec.kafka.bootstrapServers}, or Strimzi's plain listener service qualified with the
   * webhook's namespace.
   */
  public static String operatorBootstrapServers(ErpWebhook webhook) {
    String explicit = webhook.getSpec().getKafka().getBootstrapServers();
    return explicit != null
        ? explicit
        : webhook.getSpec().getKafka().getCluster()
            + "-kafka-bootstrap."
            + webhook.getMetadata().getNamespace()
            + ".svc:9092";
  }

  /**
   * The in-cluster URL of the receiver's Service and path (the status' endpoint): {@code https}
   * when the receiver serves TLS itself ({@code spec.receiver.tls}), the port left out when it is
   * the scheme's own.
   */
  public static String endpoint(ErpWebhook webhook) {
    int port = webhook.getSpec().getReceiver().getPort();
    boolean https = webhook.getSpec().getReceiver().getTls() != null;
    return (https ? "https://" : "http://")
        + receiver(webhook)
        + "."
        + webhook.getMetadata().getNamespace()
        + ".svc"
        + (port == (https ? 443 : 80) ? "" : ":" + port)
        + webhook.getSpec().getReceiver().getPath();
  }
}
