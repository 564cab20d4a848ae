package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DedupConfigTest {

  @Test
  void dataIsTheRuntimeEnvContract() {
    CdcPipeline p = TestPipelines.minimal();
    Map<String, String> data = DedupConfig.configMap(p).getData();
    assertThat(data)
        .containsExactly(
            entry(DedupRuntimeEnv.BOOTSTRAP_SERVERS, "main-kafka-bootstrap:9092"),
            entry(DedupRuntimeEnv.APPLICATION_ID, "shop.orders.dedup"),
            entry(
                DedupRuntimeEnv.SOURCES,
                "replica-a=shop.orders.replica-a,replica-b=shop.orders.replica-b"),
            entry(DedupRuntimeEnv.TABLES, "shop.orders,shop.order_items"),
            entry(DedupRuntimeEnv.OUTPUT_TOPIC_PREFIX, "shop.orders.cdc"),
            entry(DedupRuntimeEnv.DEAD_LETTER_TOPIC, "shop.orders.dedup-dlq"),
            entry(DedupRuntimeEnv.ANOMALY_TOPIC, "shop.orders.dedup-anomalies"),
            entry(DedupRuntimeEnv.WINDOW_MS, Long.toString(DedupRuntimeEnv.DEFAULT_WINDOW_MS)),
            entry(
                DedupRuntimeEnv.ALIGN_HOLD_MS,
                Long.toString(DedupRuntimeEnv.DEFAULT_ALIGN_HOLD_MS)),
            entry("TWINLOG_KAFKA_COMMIT_INTERVAL_MS", "50"),
            entry(DedupRuntimeEnv.STATE_DIR, "/var/lib/twinlog/state"),
            entry(DedupRuntimeEnv.METRICS_PORT, "8080"));
    // every key is a contract name, or a Kafka client setting under the contract's prefix
    assertThat(contractNames())
        .containsAll(
            data.keySet().stream()
                .filter(k -> !k.startsWith(DedupRuntimeEnv.KAFKA_PASSTHROUGH_PREFIX))
                .toList());
  }

  @Test
  void sourcesMatchTheConnectorsTopicPrefixes() {
    CdcPipeline p = TestPipelines.full();
    String sources = DedupConfig.env(p).get(DedupRuntimeEnv.SOURCES);
    String fromConnectors =
        SourceConnectors.of(p).stream()
            .map(
                c ->
                    c.getMetadata().getLabels().get(Labels.REPLICA)
                        + "="
                        + c.getSpec().getConfig().get("topic.prefix"))
            .collect(Collectors.joining(","));
    assertThat(sources).isEqualTo(fromConnectors);
    assertThat(DedupConfig.env(p))
        .containsEntry(DedupRuntimeEnv.WINDOW_MS, "86400000")
        .containsEntry(DedupRuntimeEnv.ALIGN_HOLD_MS, "120000")
        .containsEntry("TWINLOG_KAFKA_COMMIT_INTERVAL_MS", "200");
  }

  @Test
  void hashIsStableAndOrderIndependentButSeesEveryChange() {
    Map<String, String> a = DedupConfig.env(TestPipelines.minimal());
    assertThat(DedupConfig.hash(a)).isEqualTo(DedupConfig.hash(Map.copyOf(a))).hasSize(64);
    CdcPipeline changed = TestPipelines.minimal();
    changed.getSpec().setDedup(new io.twinlog.operator.api.v1alpha1.DedupSpec());
    changed.getSpec().getDedup().setWindow("47h");
    assertThat(DedupConfig.hash(DedupConfig.env(changed))).isNotEqualTo(DedupConfig.hash(a));
  }

  private static Set<String> contractNames() {
    return Arrays.stream(DedupRuntimeEnv.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(DedupConfigTest::value)
        .collect(Collectors.toSet());
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
