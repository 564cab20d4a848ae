package io.twinlog.operator.webhook.desired;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import java.util.Map;

/** Metadata of a resource the webhook owns, so deleting the ErpWebhook deletes it. */
final class WebhookOwnership {
  private WebhookOwnership() {}

  static ObjectMeta metadata(ErpWebhook webhook, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(webhook.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(ErpWebhook.API_VERSION)
                .withKind(ErpWebhook.KIND)
                .withName(webhook.getMetadata().getName())
                .withUid(webhook.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .build();
  }
}
