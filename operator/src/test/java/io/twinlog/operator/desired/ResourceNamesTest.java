package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import org.junit.jupiter.api.Test;

class ResourceNamesTest {

  @Test
  void shortNamesAreReadable() {
    CdcPipeline p = TestPipelines.minimal();
    assertThat(ResourceNames.sourceConnector(p, "replica-a")).isEqualTo("orders-source-replica-a");
    assertThat(ResourceNames.sinkConnector(p)).isEqualTo("orders-sink");
    assertThat(ResourceNames.dedup(p)).isEqualTo("orders-dedup");
    assertThat(ResourceNames.dedupConfigMap(p)).isEqualTo("orders-dedup-config");
    assertThat(ResourceNames.dedupMetricsService(p)).isEqualTo("orders-dedup-metrics");
    assertThat(ResourceNames.sourceTopicPrefix(p, "replica-a")).isEqualTo("shop.orders.replica-a");
    assertThat(ResourceNames.schemaHistoryTopic(p, "replica-a"))
        .isEqualTo("shop.orders.replica-a.schema-history");
    assertThat(ResourceNames.outputTopicPrefix(p)).isEqualTo("shop.orders.cdc");
    assertThat(ResourceNames.outputTopics(p))
        .containsExactly("shop.orders.cdc.shop.orders", "shop.orders.cdc.shop.order_items");
    assertThat(ResourceNames.dedupDeadLetterTopic(p)).isEqualTo("shop.orders.dedup-dlq");
    assertThat(ResourceNames.sinkDeadLetterTopic(p)).isEqualTo("shop.orders.sink-dlq");
    assertThat(ResourceNames.dedupApplicationId(p)).isEqualTo("shop.orders.dedup");
    assertThat(ResourceNames.bootstrapServers(p)).isEqualTo("main-kafka-bootstrap:9092");
  }

  @Test
  void specOverridesWin() {
    CdcPipeline p = TestPipelines.full();
    assertThat(ResourceNames.outputTopicPrefix(p)).isEqualTo("cdc.shop");
    assertThat(ResourceNames.outputTopic(p, "billing.Invoice_Lines"))
        .isEqualTo("cdc.shop.billing.Invoice_Lines");
    assertThat(ResourceNames.sinkDeadLetterTopic(p)).isEqualTo("erp-dead-letters");
    assertThat(ResourceNames.bootstrapServers(p)).isEqualTo("main-kafka-bootstrap.kafka:9093");
  }

  @Test
  void longNamesAreTruncatedWithAStableHash() {
    CdcPipeline p = longest();
    String replica = "r".repeat(63);
    String connector = ResourceNames.sourceConnector(p, replica);
    assertThat(connector).hasSize(ResourceNames.MAX_KUBERNETES_NAME).matches("^[a-z0-9-]+$");
    assertThat(connector).matches(".*-[0-9a-f]{8}$");
    assertThat(ResourceNames.sourceConnector(p, replica)).isEqualTo(connector);
    assertThat(ResourceNames.sourceConnector(p, "s".repeat(63))).isNotEqualTo(connector);
    assertThat(ResourceNames.dedupMetricsService(p)).hasSizeLessThanOrEqualTo(63);
    assertThat(ResourceNames.dedupConfigMap(p)).isNotEqualTo(ResourceNames.dedup(p));
    // The hash is SHA-256 based, so it never changes between releases or JVMs.
    assertThat(ResourceNames.hash("orders")).isEqualTo("1c168adb");
  }

  @Test
  void replicationSlotsAreValidPostgresNamesUniquePerPipelineAndReplica() {
    CdcPipeline p = TestPipelines.postgres();
    String slot = ResourceNames.replicationSlot(p, "standby-a");
    assertThat(slot).matches("^twinlog_shop_orders_standby_a_[0-9a-f]{8}$");
    assertThat(ResourceNames.replicationSlot(p, "standby-a")).as("stable").isEqualTo(slot);

    CdcPipeline long_ = longest();
    String longSlot = ResourceNames.replicationSlot(long_, "r".repeat(63));
    assertThat(longSlot)
        .hasSizeLessThanOrEqualTo(ResourceNames.MAX_SLOT_NAME)
        .matches("^[a-z0-9_]+_[0-9a-f]{8}$");
    assertThat(ResourceNames.replicationSlot(long_, "s".repeat(63))).isNotEqualTo(longSlot);

    // '-' becomes '_': namespace a-b with pipeline c, and namespace a with pipeline b-c, read
    // the same words; the hash of the unsanitized names keeps their slots apart.
    CdcPipeline one = TestPipelines.postgres();
    one.getMetadata().setNamespace("a-b");
    one.getMetadata().setName("c");
    CdcPipeline other = TestPipelines.postgres();
    other.getMetadata().setNamespace("a");
    other.getMetadata().setName("b-c");
    assertThat(ResourceNames.replicationSlot(one, "r"))
        .isNotEqualTo(ResourceNames.replicationSlot(other, "r"));
  }

  @Test
  void topicNamesStayWithinKafkasLimits() {
    CdcPipeline p = longest();
    String prefix = ResourceNames.sourceTopicPrefix(p, "r".repeat(63));
    assertThat(prefix).hasSizeLessThanOrEqualTo(ResourceNames.MAX_TOPIC_PREFIX);
    String table = "d".repeat(64) + "." + "t".repeat(64);
    assertThat(prefix + "." + table).hasSizeLessThanOrEqualTo(ResourceNames.MAX_TOPIC_NAME);
    assertThat(ResourceNames.outputTopic(p, table))
        .hasSizeLessThanOrEqualTo(ResourceNames.MAX_TOPIC_NAME)
        .matches("^[a-zA-Z0-9._-]+$");
    assertThat(ResourceNames.dedupApplicationId(p)).hasSizeLessThanOrEqualTo(100);
  }

  @Test
  void kafkaTopicResourceNamesAreValidDnsSubdomains() {
    assertThat(ResourceNames.kafkaTopicResource("shop.orders.cdc.shop.orders"))
        .isEqualTo("shop.orders.cdc.shop.orders");
    String mixed = ResourceNames.kafkaTopicResource("cdc.shop.billing.Invoice_Lines");
    assertThat(mixed).matches("^cdc\\.shop\\.billing\\.invoice-lines-[0-9a-f]{8}$");
    // Two topics that sanitise alike still get distinct resources.
    assertThat(ResourceNames.kafkaTopicResource("a.B_c"))
        .isNotEqualTo(ResourceNames.kafkaTopicResource("a.b-c"));
    String longest = ResourceNames.kafkaTopicResource("_" + "X".repeat(248));
    assertThat(longest)
        .hasSizeLessThanOrEqualTo(ResourceNames.MAX_KAFKA_TOPIC_RESOURCE_NAME)
        .matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
  }

  private static CdcPipeline longest() {
    CdcPipeline p = TestPipelines.minimal();
    p.getMetadata().setName("p" + "x".repeat(62));
    p.getMetadata().setNamespace("n" + "y".repeat(62));
    return p;
  }
}
