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
    List<KafkaTopic> topics =
        Topics.of(p).stream()
            .filter(t -> !t.getMetadata().getLabels().get(Labels.COMPONENT).equals(Labels.SOURCE))
            .toList();
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
  void sourceTopicsComeFirstSoTheDedupRuntimeReadsThemFromItsStart() {
    CdcPipeline p = TestPipelines.minimal();
    List<KafkaTopic> topics = Topics.of(p);
    assertThat(topics)
        .extracting(t -> t.getSpec().getTopicName())
        .startsWith(
            "shop.orders.replica-a.shop.orders",
            "shop.orders.replica-a.shop.order_items",
            "__debezium-heartbeat.shop.orders.replica-a",
            "shop.orders.replica-b.shop.orders",
            "shop.orders.replica-b.shop.order_items",
            "__debezium-heartbeat.shop.orders.replica-b");
    List<KafkaTopic> sources = topics.subList(0, 6);
    // the names Debezium writes to, one partition each (one replica's stream in commit order)
    assertThat(sources)
        .extracting(t -> t.getSpec().getTopicName())
        .contains(
            ResourceNames.sourceTopic(p, "replica-b", "shop.orders"),
            ResourceNames.heartbeatTopic(ResourceNames.sourceTopicPrefix(p, "replica-b")));
    assertThat(sources).allSatisfy(t -> assertThat(t.getSpec().getPartitions()).isEqualTo(1));
    assertThat(sources)
        .allSatisfy(
            t ->
                assertThat(t.getMetadata().getLabels())
                    .containsEntry(Labels.COMPONENT, Labels.SOURCE));
    assertThat(SourceConnectors.of(p).get(0).getSpec().getConfig())
        .containsEntry("topic.creation.default.partitions", 1);
    // a resource name cannot start with '_': sanitised, the real name in spec.topicName
    assertThat(sources.get(2).getMetadata().getName()).matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
    assertThat(Topics.sourceTopics(TestPipelines.full())).hasSize(3 * (2 + 1));
  }

  @Test
  void eachBinlogReplicasSchemaHistoryIsOwnedKeptForeverAndNeverCompacted() {
    CdcPipeline p = TestPipelines.minimal();
    List<KafkaTopic> histories = Topics.schemaHistoryTopics(p);
    assertThat(histories)
        .extracting(t -> t.getSpec().getTopicName())
        .containsExactly(
            ResourceNames.schemaHistoryTopic(p, "replica-a"),
            ResourceNames.schemaHistoryTopic(p, "replica-b"));
    // the topic the connector reads its history from
    assertThat(SourceConnectors.of(p).get(1).getSpec().getConfig())
        .containsEntry(
            "schema.history.internal.kafka.topic", histories.get(1).getSpec().getTopicName());
    assertThat(histories)
        .allSatisfy(
            t -> {
              assertThat(t.getSpec().getPartitions()).isEqualTo(1);
              assertThat(t.getSpec().getConfig())
                  .containsEntry("cleanup.policy", "delete")
                  .containsEntry("retention.ms", -1L)
                  .containsEntry("retention.bytes", -1L);
            });
    assertThat(Topics.schemaHistoryTopics(TestPipelines.postgres())).isEmpty();
  }

  @Test
  void withoutSinkNoSinkDeadLetterTopic() {
    CdcPipeline p = TestPipelines.minimal();
    assertThat(Topics.of(p).subList(Topics.sourceTopics(p).size(), Topics.of(p).size()))
        .extracting(t -> t.getSpec().getTopicName())
        .containsExactly(
            "shop.orders.replica-a.schema-history",
            "shop.orders.replica-b.schema-history",
            "shop.orders.cdc.shop.orders",
            "shop.orders.cdc.shop.order_items",
            "shop.orders.dedup-dlq",
            "shop.orders.dedup-anomalies");
  }
}
