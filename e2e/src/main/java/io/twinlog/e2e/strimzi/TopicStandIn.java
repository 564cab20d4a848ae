package io.twinlog.e2e.strimzi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST CODE standing in for Strimzi's Topic Operator: creates the topic of each KafkaTopic in the
 * broker (replication factor 1, the spec's partitions and configs) and marks it Ready. It never
 * deletes topics or changes existing ones (the scenarios use fresh pipelines and names).
 */
public final class TopicStandIn {
  private static final Logger LOG = LoggerFactory.getLogger(TopicStandIn.class);

  private final KubernetesClient client;
  private final Admin admin;
  private final Clock clock;

  public TopicStandIn(KubernetesClient client, Admin admin, Clock clock) {
    this.client = client;
    this.admin = admin;
    this.clock = clock;
  }

  /** One pass over every KafkaTopic. */
  void pass() throws InterruptedException {
    List<KafkaTopic> resources =
        client.resources(KafkaTopic.class).inAnyNamespace().list().getItems();
    if (resources.isEmpty()) {
      return;
    }
    Set<String> existing;
    try {
      existing = admin.listTopics().names().get();
    } catch (ExecutionException e) {
      LOG.debug("listing topics failed: {}", e.getMessage());
      return;
    }
    for (KafkaTopic topic : resources) {
      long generation = Objects.requireNonNullElse(topic.getMetadata().getGeneration(), 0L);
      if (topic.getStatus() != null
          && Objects.equals(topic.getStatus().getObservedGeneration(), generation)) {
        continue;
      }
      String name =
          topic.getSpec().getTopicName() != null
              ? topic.getSpec().getTopicName()
              : topic.getMetadata().getName();
      if (!existing.contains(name)) {
        create(name, topic);
      }
      KafkaTopicStatus status = new KafkaTopicStatus();
      status.setObservedGeneration(generation);
      status.setTopicName(name);
      status.setConditions(
          List.of(
              new ConditionBuilder()
                  .withType("Ready")
                  .withStatus("True")
                  .withLastTransitionTime(clock.instant().toString())
                  .build()));
      topic.setStatus(status);
      client.resource(topic).updateStatus();
    }
  }

  private void create(String name, KafkaTopic topic) throws InterruptedException {
    int partitions = topic.getSpec().getPartitions() == null ? 1 : topic.getSpec().getPartitions();
    Map<String, String> config = new HashMap<>();
    if (topic.getSpec().getConfig() != null) {
      topic.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
    }
    try {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(config)))
          .all()
          .get();
      LOG.info("created topic {} ({} partitions)", name, partitions);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("could not create topic " + name, e.getCause());
      }
    }
  }
}
