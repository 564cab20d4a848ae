package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.desired.DesiredResources;
import java.util.List;
import java.util.Set;

/** The informers of every kind a CdcPipeline owns: its view of actual state. */
record OwnedCaches(
    InformerEventSource<KafkaConnector, CdcPipeline> connectors,
    InformerEventSource<KafkaTopic, CdcPipeline> topics,
    InformerEventSource<KafkaUser, CdcPipeline> kafkaUsers,
    InformerEventSource<ConfigMap, CdcPipeline> configMaps,
    InformerEventSource<Deployment, CdcPipeline> deployments,
    InformerEventSource<Service, CdcPipeline> services,
    InformerEventSource<PodDisruptionBudget, CdcPipeline> disruptionBudgets) {

  List<EventSource<?, CdcPipeline>> all() {
    return List.of(
        connectors, topics, kafkaUsers, configMaps, deployments, services, disruptionBudgets);
  }

  /**
   * Applies every kind. Topics and config first, so connectors and pods find what they need;
   * connectors last.
   */
  Applier.Result apply(Applier applier, DesiredResources desired, Context<CdcPipeline> context) {
    return applier
        .apply(desired.topics(), owned(KafkaTopic.class, context), topics)
        .plus(applier.apply(desired.kafkaUsers(), owned(KafkaUser.class, context), kafkaUsers))
        .plus(applier.apply(desired.configMaps(), owned(ConfigMap.class, context), configMaps))
        .plus(applier.apply(desired.services(), owned(Service.class, context), services))
        .plus(
            applier.apply(
                desired.disruptionBudgets(),
                owned(PodDisruptionBudget.class, context),
                disruptionBudgets))
        .plus(
            applier.apply(List.of(desired.dedup()), owned(Deployment.class, context), deployments))
        .plus(
            applier.apply(desired.connectors(), owned(KafkaConnector.class, context), connectors));
  }

  /** Deletes everything the pipeline owns; returns how many resources. */
  int deleteAll(KubernetesClient client, Context<CdcPipeline> context) {
    int deleted = 0;
    for (Class<? extends HasMetadata> kind :
        List.of(
            KafkaConnector.class,
            Deployment.class,
            PodDisruptionBudget.class,
            Service.class,
            ConfigMap.class,
            KafkaUser.class,
            KafkaTopic.class)) {
      for (HasMetadata resource : owned(kind, context)) {
        client.resource(resource).delete();
        deleted++;
      }
    }
    return deleted;
  }

  private static <R extends HasMetadata> Set<R> owned(Class<R> kind, Context<CdcPipeline> context) {
    return context.getSecondaryResources(kind);
  }
}
