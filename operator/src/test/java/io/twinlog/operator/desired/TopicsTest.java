package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void outputTopicPerTableThenDeadLetterTopics() {
    CdcPipeline p = TestPipelines.full();
    List<KafkaTopic> topics = Topics.of(p);
    assertThat(topics)
        .extracting(t -> t.getSpec().getTopicName())
        .containsExactly(
            "cdc.shop.shop.orders",
            "cdc.shop.billing.Invoice_Lines",
            "shop.orders.dedup-dlq",
            "shop.orders.dedup-anomalies",
            "erp-dead-letters");
    assertThat(topics)
        .allSatisfy(t -> assertThat(t.getApiVersion()).isEqualTo("kafka.strimzi.io/v1"));
    assertThat(topics.get(0).getSpec().getPartitions()).isEqualTo(6);
    assertThat(topics.get(2).getSpec().getPartitions()).isNull();
    assertThat(topics.get(3).getSpec().getPartitions()).isEqualTo(1);
    assertThat(topics.get(3).getSpec().getConfig())
        .containsEntry("cleanup.policy", "compact,delete");
    assertThat(topics).allSatisfy(t -> assertThat(t.getSpec().getReplicas()).isNull());
    assertThat(topics)
        .extracting(t -> t.getMetadata().getName())
        .allMatch(n -> n.matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"))
        .doesNotHaveDuplicates();
  }

  @Test
  void withoutSinkNoSinkDeadLetterTopic() {
    assertThat(Topics.of(TestPipelines.minimal()))
        .extracting(t -> t.getSpec().getTopicName())
        .containsExactly(
            "shop.orders.cdc.shop.orders",
            "shop.orders.cdc.shop.order_items",
            "shop.orders.dedup-dlq",
            "shop.orders.dedup-anomalies");
  }
}
