package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * How the off-thread watchers (Connect status, heartbeats, anomalies, dead letters) name the
 * resource they read for: {@code namespace/name}, turned back into the ResourceID whose
 * reconciliation a new reading triggers.
 */
final class OwnerKeys {
  private OwnerKeys() {}

  static String of(HasMetadata owner) {
    return owner.getMetadata().getNamespace() + "/" + owner.getMetadata().getName();
  }

  static ResourceID resourceId(String key) {
    int slash = key.indexOf('/');
    return new ResourceID(key.substring(slash + 1), key.substring(0, slash));
  }
}
