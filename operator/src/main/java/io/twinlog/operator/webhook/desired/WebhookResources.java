package io.twinlog.operator.webhook.desired;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import java.util.ArrayList;
import java.util.List;

/** Everything an {@link ErpWebhook} owns, as a pure function of it (and the default image). */
public final class WebhookResources {
  private WebhookResources() {}

  /**
   * ConfigMaps, Deployments, Service, PodDisruptionBudget, KafkaTopics and the sink connector.
   *
   * @param defaultImage the operator's image for webhook receivers, or null for {@link
   *     WebhookWorkloads#DEFAULT_IMAGE}
   */
  public static List<HasMetadata> desired(ErpWebhook webhook, String defaultImage) {
    List<HasMetadata> resources = new ArrayList<>(WebhookTopics.of(webhook));
    ConfigMap receiverConfig = WebhookWorkloads.receiverConfigMap(webhook);
    ConfigMap dedupConfig = WebhookWorkloads.dedupConfigMap(webhook);
    resources.add(receiverConfig);
    resources.add(WebhookWorkloads.receiver(webhook, receiverConfig, defaultImage));
    resources.add(WebhookWorkloads.receiverService(webhook));
    resources.add(WebhookWorkloads.receiverDisruptionBudget(webhook));
    resources.add(dedupConfig);
    resources.add(WebhookWorkloads.dedup(webhook, dedupConfig, defaultImage));
    resources.add(WebhookSinkConnector.of(webhook));
    return resources;
  }
}
