package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;
import java.util.function.Supplier;

/** How both controllers write their resource's status: only when it changed, never the spec. */
final class StatusWrites {
  private StatusWrites() {}

  /**
   * PUT /status of a fresh object (name, namespace, resourceVersion, status) with optimistic
   * locking, unless {@code status} equals {@code previous}; the result goes into the cache so the
   * next reconciliation sees this status (a pipeline's restart bookkeeping lives there).
   */
  static <S, P extends CustomResource<?, S>> void write(
      P primary, S previous, S status, Context<P> context, Supplier<P> blank) {
    if (Objects.equals(previous, status)) {
      return;
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        primary, context, current -> fresh(current, status, blank));
  }

  /** An object carrying only the identity and resourceVersion of {@code current}, and a status. */
  static <S, P extends CustomResource<?, S>> P fresh(P current, S status, Supplier<P> blank) {
    P fresh = blank.get();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(current.getMetadata().getName())
            .withNamespace(current.getMetadata().getNamespace())
            .withResourceVersion(current.getMetadata().getResourceVersion())
            .build());
    fresh.setStatus(status);
    return fresh;
  }
}
