package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.health.RestartAnnotations;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.status.Reasons;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Carries out what the restart policy decided for one connector, for any owner (a CdcPipeline's
 * sources and sink, an ErpWebhook's sink): a restart is Strimzi's restart annotation on the
 * KafkaConnector plus a Normal Event; a failure restarting cannot fix, or a policy that gave up, is
 * a Warning Event, once per reason (the previous reason in status says whether it was told).
 */
final class ConnectorRestarter {
  private final KubernetesClient client;
  private final EventRecorder events;

  ConnectorRestarter(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /**
   * @param part what the connector is to its owner, for the Event ("replica-a", "sink")
   * @param previousReason the reason the status gave this part before, so a report is not repeated
   * @param cache the owner's KafkaConnector cache, told of the patch so the next reconciliation
   *     sees the annotation and never asks twice
   */
  <P extends HasMetadata> void perform(
      P owner,
      String part,
      KafkaConnector connector,
      RestartDecision decision,
      String previousReason,
      InformerEventSource<KafkaConnector, P> cache) {
    switch (decision) {
      case RestartDecision.Restart restart -> {
        var annotation = RestartAnnotations.forFailure(restart.failure());
        KafkaConnector patched =
            client
                .resources(KafkaConnector.class)
                .inNamespace(connector.getMetadata().getNamespace())
                .withName(connector.getMetadata().getName())
                .edit(
                    kc -> {
                      Map<String, String> annotations =
                          new HashMap<>(
                              Objects.requireNonNullElse(
                                  kc.getMetadata().getAnnotations(), Map.of()));
                      annotations.put(annotation.getKey(), annotation.getValue());
                      kc.getMetadata().setAnnotations(annotations);
                      return kc;
                    });
        cache.handleRecentResourceUpdate(ResourceID.fromResource(patched), patched, connector);
        events.normal(
            owner,
            Reasons.CONNECTOR_RESTARTED,
            part
                + " ("
                + connector.getMetadata().getName()
                + "): restarted "
                + restart.failure().target()
                + " (restart "
                + restart.history().consecutiveRestarts()
                + " in a row, "
                + restart.history().restarts()
                + " in total): "
                + restart.failure().summary());
      }
      case RestartDecision.Unrecoverable u -> {
        if (!u.failure().kind().reason().equals(previousReason)) {
          events.warning(
              owner,
              u.failure().kind().reason(),
              part
                  + " ("
                  + connector.getMetadata().getName()
                  + "): "
                  + u.failure().summary()
                  + ". "
                  + u.failure().kind().action());
        }
      }
      case RestartDecision.Exhausted e -> {
        if (!Reasons.RESTARTS_EXHAUSTED.equals(previousReason)) {
          events.warning(
              owner,
              Reasons.RESTARTS_EXHAUSTED,
              part
                  + " ("
                  + connector.getMetadata().getName()
                  + "): gave up after "
                  + e.history().consecutiveRestarts()
                  + " consecutive restarts: "
                  + e.failure().summary());
        }
      }
      default -> {}
    }
  }
}
