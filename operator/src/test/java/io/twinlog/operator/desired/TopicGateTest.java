package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorBuilder;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicGateTest {
  private static KafkaTopic topic(String name, String ready) {
    KafkaTopicBuilder topic =
        new KafkaTopicBuilder().withNewMetadata().withName(name).endMetadata();
    if (ready != null) {
      topic
          .withNewStatus()
          .withConditions(new ConditionBuilder().withType("Ready").withStatus(ready).build())
          .endStatus();
    }
    return topic.build();
  }

  private static final KafkaConnector SINK =
      new KafkaConnectorBuilder().withNewMetadata().withName("sink").endMetadata().build();

  @Test
  void aNewConnectorWaitsUntilEveryTopicIsReadyAnExistingOneStays() {
    List<HasMetadata> desired = List.of(topic("in", null), topic("dlq", null), SINK);

    assertThat(TopicGate.hold(desired, List.of(topic("in", "True")), List.of()))
        .as("the dead-letter topic is not there yet")
        .doesNotContain(SINK)
        .hasSize(2);
    assertThat(
            TopicGate.hold(desired, List.of(topic("in", "True"), topic("dlq", "False")), List.of()))
        .doesNotContain(SINK);
    assertThat(
            TopicGate.hold(desired, List.of(topic("in", "True"), topic("dlq", "True")), List.of()))
        .isEqualTo(desired);
    assertThat(TopicGate.hold(desired, List.of(), List.of(SINK)))
        .as("a connector that exists is never deleted for a topic that is not Ready")
        .isEqualTo(desired);
  }
}
