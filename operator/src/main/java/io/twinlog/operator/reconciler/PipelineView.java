package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The observe step's result: everything one reconciliation read of a pipeline's world, from the
 * informer caches, Connect's REST API, the source checks and the heartbeats, before it decides
 * anything. {@link PipelineDecisions} decides from it alone.
 *
 * @param previous the status as it stands
 * @param connectors the pipeline's KafkaConnectors as the cache holds them, by name
 * @param dedup the dedup runtime's Deployment, or null when it is not created yet
 * @param checked the source checks' latest results
 * @param signals heartbeats, silences, anomalies and dead letters read from Kafka
 * @param connect Connect's own answers about the connectors
 * @param starts where each source is in the consistent start
 * @param existingSecrets the names of the referenced Secrets that exist
 */
record PipelineView(
    CdcPipelineStatus previous,
    Map<String, KafkaConnector> connectors,
    Deployment dedup,
    SourceChecks.Seen checked,
    SourceSignals.Seen signals,
    ConnectStatuses.Seen connect,
    SourceStarts.Decision starts,
    Set<String> existingSecrets,
    Instant now) {

  /** Reads the owned connectors and the dedup Deployment from the reconciliation's caches. */
  static PipelineView read(
      CdcPipeline pipeline,
      Context<CdcPipeline> context,
      String dedupName,
      SourceChecks.Seen checked,
      SourceSignals.Seen signals,
      ConnectStatuses.Seen connect,
      SourceStarts.Decision starts,
      Set<String> existingSecrets,
      Instant now) {
    Deployment dedup =
        context.getSecondaryResources(Deployment.class).stream()
            .filter(d -> d.getMetadata().getName().equals(dedupName))
            .findFirst()
            .orElse(null);
    return new PipelineView(
        pipeline.getStatus(),
        connectors(context),
        dedup,
        checked,
        signals,
        connect,
        starts,
        Set.copyOf(existingSecrets),
        now);
  }

  /** The pipeline's KafkaConnectors as the reconciliation's cache holds them, by name. */
  static Map<String, KafkaConnector> connectors(Context<CdcPipeline> context) {
    Map<String, KafkaConnector> connectors = new HashMap<>();
    context
        .getSecondaryResources(KafkaConnector.class)
        .forEach(kc -> connectors.put(kc.getMetadata().getName(), kc));
    return Map.copyOf(connectors);
  }

  /** The dedup pods ready, 0 before the Deployment reports any. */
  int dedupReady() {
    return dedup == null
            || dedup.getStatus() == null
            || dedup.getStatus().getReadyReplicas() == null
        ? 0
        : dedup.getStatus().getReadyReplicas();
  }
}
