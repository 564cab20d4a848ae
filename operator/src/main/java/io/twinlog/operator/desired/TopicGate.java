package io.twinlog.operator.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Holds back a KafkaConnector that does not exist yet until every KafkaTopic of the same desired
 * state is Ready. Strimzi's Topic Operator creates topics after the KafkaTopic is applied; a sink
 * task that starts first finds no dead-letter topic, tries to create it with Connect's defaults
 * (replication factor 3) and, on a smaller cluster, dies with "will not recover until manually
 * restarted". A connector that exists already is kept as it is.
 */
public final class TopicGate {
  private TopicGate() {}

  /** {@code desired} without the connectors that must wait. */
  public static List<HasMetadata> hold(
      List<HasMetadata> desired,
      Collection<KafkaTopic> actualTopics,
      Collection<KafkaConnector> actualConnectors) {
    Set<String> ready =
        actualTopics.stream()
            .filter(TopicGate::ready)
            .map(t -> t.getMetadata().getName())
            .collect(Collectors.toSet());
    boolean allReady =
        desired.stream()
            .filter(KafkaTopic.class::isInstance)
            .allMatch(t -> ready.contains(t.getMetadata().getName()));
    if (allReady) {
      return desired;
    }
    Set<String> existing =
        actualConnectors.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
    return desired.stream()
        .filter(r -> !(r instanceof KafkaConnector) || existing.contains(r.getMetadata().getName()))
        .toList();
  }

  /** Whether Strimzi says the topic exists as declared (condition Ready=True). */
  static boolean ready(KafkaTopic topic) {
    return topic.getStatus() != null
        && topic.getStatus().getConditions() != null
        && topic.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
