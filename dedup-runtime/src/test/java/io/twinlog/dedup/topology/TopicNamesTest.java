package io.twinlog.dedup.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.dedup.config.DedupConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicNamesTest {
  static DedupConfig config(String tablesKey, String tables) {
    return DedupConfig.fromEnv(
        Map.of(
            DedupRuntimeEnv.BOOTSTRAP_SERVERS,
            "k:9092",
            DedupRuntimeEnv.SOURCES,
            "a=cdc.a,b=cdc-b",
            tablesKey,
            tables,
            DedupRuntimeEnv.OUTPUT_TOPIC_PREFIX,
            "out",
            DedupRuntimeEnv.DEAD_LETTER_TOPIC,
            "out.dlq"));
  }

  @Test
  void subscriptionMatchesDataTopicsOnly() {
    TopicNames names = new TopicNames(config(DedupRuntimeEnv.TABLES, "shop.orders,shop.items"));
    assertThat(names.inputPattern().matcher("cdc.a.shop.orders").matches()).isTrue();
    assertThat(names.inputPattern().matcher("cdc-b.shop.items").matches()).isTrue();
    assertThat(names.inputPattern().matcher("cdc-b.shop.other").matches()).isFalse();
    assertThat(names.inputPattern().matcher("cdc-b.transaction").matches()).isFalse();
    assertThat(names.inputPattern().matcher("cdc-b").matches()).isFalse();
    assertThat(names.inputPattern().matcher("out.shop.orders").matches()).isFalse();
    assertThat(names.parse("cdc.a.shop.orders").source().name()).isEqualTo("a");
    assertThat(names.parse("cdc.a.shop.orders").table()).isEqualTo("shop.orders");
    assertThat(names.outputTopic("shop.orders")).isEqualTo("out.shop.orders");
    assertThat(names.heartbeatPattern().matcher("__debezium-heartbeat.cdc-b").matches()).isTrue();
    assertThat(names.heartbeatSource("__debezium-heartbeat.cdc.a").name()).isEqualTo("a");
  }

  @Test
  void aTablePatternNeverMatchesTheTransactionTopic() {
    TopicNames names = new TopicNames(config(DedupRuntimeEnv.TABLE_PATTERN, ".*"));
    assertThat(names.inputPattern().matcher("cdc-b.transaction").matches()).isFalse();
    assertThat(names.inputPattern().matcher("cdc-b.any.table").matches()).isTrue();
    assertThat(names.parse("cdc-b.transaction")).isNull();
  }

  @Test
  void differentPartitionCountsForOneTableAreAProblem() {
    TopicNames names = new TopicNames(config(DedupRuntimeEnv.TABLE_PATTERN, "shop\\..*"));
    assertThat(
            CoPartitioning.problems(
                names,
                Map.of("cdc.a.shop.orders", 3, "cdc-b.shop.orders", 3, "cdc.a.shop.items", 1)))
        .isEmpty();
    assertThat(
            CoPartitioning.problems(
                names, Map.of("cdc.a.shop.orders", 3, "cdc-b.shop.orders", 6, "other", 1)))
        .containsExactly(
            "table shop.orders: source topics have different partition counts {a (cdc.a.shop.orders)=3,"
                + " b (cdc-b.shop.orders)=6}; copies of a change would land in different partitions"
                + " and never meet. Give every source topic of a table the same partition count.");
  }
}
