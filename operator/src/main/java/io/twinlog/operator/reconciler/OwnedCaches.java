package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.twinlog.operator.desired.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The informers of every kind an owner (a CdcPipeline or an ErpWebhook) owns: its view of actual
 * state, and the one place that applies a desired state kind by kind.
 */
final class OwnedCaches<P extends HasMetadata> {

  /**
   * Every kind Twinlog owns, in the order it is applied: topics, users and config first, so pods
   * and connectors find what they need; connectors last. Deleted in the reverse order.
   */
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          KafkaTopic.class,
          KafkaUser.class,
          ConfigMap.class,
          Service.class,
          PodDisruptionBudget.class,
          Deployment.class,
          KafkaConnector.class);

  private final Map<Class<?>, InformerEventSource<?, P>> informers;

  private OwnedCaches(Map<Class<?>, InformerEventSource<?, P>> informers) {
    this.informers = informers;
  }

  /**
   * One informer per kind, caching only what Twinlog manages; owner references map it back to its
   * owner of type {@code primary}.
   *
   * @param kinds the kinds this owner can own, a subset of {@link #KINDS}
   */
  static <P extends HasMetadata> OwnedCaches<P> of(
      EventSourceContext<P> context, Class<P> primary, List<Class<? extends HasMetadata>> kinds) {
    Map<Class<?>, InformerEventSource<?, P>> informers = new LinkedHashMap<>();
    for (Class<? extends HasMetadata> kind : KINDS) {
      if (kinds.contains(kind)) {
        informers.put(kind, informer(kind, primary, context));
      }
    }
    return new OwnedCaches<>(informers);
  }

  private static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> informer(
      Class<R> type, Class<P> primary, EventSourceContext<P> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, primary)
            .withName(type.getSimpleName())
            .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
            .build(),
        context);
  }

  List<EventSource<?, P>> all() {
    return new ArrayList<>(informers.values());
  }

  @SuppressWarnings("unchecked")
  InformerEventSource<KafkaConnector, P> connectors() {
    return (InformerEventSource<KafkaConnector, P>) informers.get(KafkaConnector.class);
  }

  /**
   * Makes every kind what {@code desired} says, in {@link #KINDS} order: a kind with nothing
   * desired has its owned resources deleted.
   */
  Applier.Result apply(Applier applier, List<? extends HasMetadata> desired, Context<P> context) {
    for (HasMetadata resource : desired) {
      // a kind without an informer would never be applied: fail loudly, not silently
      if (!informers.containsKey(resource.getClass())) {
        throw new IllegalStateException(
            resource.getKind() + " " + resource.getMetadata().getName() + " has no owned cache");
      }
    }
    Applier.Result result = Applier.Result.none();
    for (Class<?> kind : informers.keySet()) {
      result = result.plus(applyKind(applier, kind, desired, context));
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> Applier.Result applyKind(
      Applier applier, Class<?> kind, List<? extends HasMetadata> desired, Context<P> context) {
    Class<R> type = (Class<R>) kind;
    List<R> wanted = desired.stream().filter(type::isInstance).map(type::cast).toList();
    InformerEventSource<R, P> cache = (InformerEventSource<R, P>) informers.get(kind);
    return applier.apply(wanted, context.getSecondaryResources(type), cache);
  }

  /** Deletes everything the owner owns, connectors first; returns how many resources. */
  int deleteAll(KubernetesClient client, Context<P> context) {
    List<Class<?>> kinds = new ArrayList<>(informers.keySet());
    int deleted = 0;
    for (int i = kinds.size() - 1; i >= 0; i--) {
      for (HasMetadata resource : owned(kinds.get(i), context)) {
        client.resource(resource).delete();
        deleted++;
      }
    }
    return deleted;
  }

  @SuppressWarnings("unchecked")
  private static <P extends HasMetadata> java.util.Set<HasMetadata> owned(
      Class<?> kind, Context<P> context) {
    return (java.util.Set<HasMetadata>)
        context.getSecondaryResources((Class<? extends HasMetadata>) kind);
  }
}
