package io.twinlog.operator.desired;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.Durations;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The dedup runtime's ConfigMap: exactly the environment contract of {@link DedupRuntimeEnv}. */
public final class DedupConfig {
  private DedupConfig() {}

  /** Where the runtime keeps its Kafka Streams state (an emptyDir). */
  public static final String STATE_DIR = "/var/lib/twinlog/state";

  /** The runtime's environment, as the ConfigMap's data. */
  public static Map<String, String> env(CdcPipeline pipeline) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(DedupRuntimeEnv.BOOTSTRAP_SERVERS, ResourceNames.bootstrapServers(pipeline));
    env.put(DedupRuntimeEnv.APPLICATION_ID, ResourceNames.dedupApplicationId(pipeline));
    env.put(
        DedupRuntimeEnv.SOURCES,
        pipeline.getSpec().getSource().getReplicas().stream()
            .map(r -> r.getName() + "=" + ResourceNames.sourceTopicPrefix(pipeline, r.getName()))
            .collect(Collectors.joining(",")));
    env.put(
        DedupRuntimeEnv.TABLES,
        String.join(",", pipeline.getSpec().getSource().getInclude().getTables()));
    env.put(DedupRuntimeEnv.OUTPUT_TOPIC_PREFIX, ResourceNames.outputTopicPrefix(pipeline));
    env.put(DedupRuntimeEnv.DEAD_LETTER_TOPIC, ResourceNames.dedupDeadLetterTopic(pipeline));
    env.put(DedupRuntimeEnv.ANOMALY_TOPIC, ResourceNames.dedupAnomalyTopic(pipeline));
    env.put(
        DedupRuntimeEnv.WINDOW_MS,
        Long.toString(Durations.toMillis(pipeline.getSpec().getDedup().getWindow())));
    env.put(
        DedupRuntimeEnv.ALIGN_HOLD_MS,
        Long.toString(Durations.toMillis(pipeline.getSpec().getDedup().getAlignHold())));
    env.put(
        DedupRuntimeEnv.KAFKA_PASSTHROUGH_PREFIX + "COMMIT_INTERVAL_MS",
        Long.toString(Durations.toMillis(pipeline.getSpec().getDedup().getCommitInterval())));
    env.put(DedupRuntimeEnv.STATE_DIR, STATE_DIR);
    env.put(DedupRuntimeEnv.METRICS_PORT, Integer.toString(DedupRuntimeEnv.DEFAULT_METRICS_PORT));
    // Kafka security: references to the mounted Secrets' files, never their values.
    KafkaClientSecurity.dedupRuntime(pipeline)
        .forEach(
            (key, value) ->
                env.put(
                    DedupRuntimeEnv.KAFKA_PASSTHROUGH_PREFIX
                        + key.toUpperCase(Locale.ROOT).replace('.', '_'),
                    value));
    return env;
  }

  /** The ConfigMap the Deployment reads its environment from. */
  public static ConfigMap configMap(CdcPipeline pipeline) {
    return new ConfigMapBuilder()
        .withMetadata(
            Ownership.metadata(
                pipeline,
                ResourceNames.dedupConfigMap(pipeline),
                Labels.of(pipeline, Labels.DEDUP)))
        .withData(env(pipeline))
        .build();
  }

  /**
   * SHA-256 of the data (keys sorted), put on the pod template so a config change rolls the pods
   * (envFrom is read only when a container starts).
   */
  public static String hash(Map<String, String> data) {
    String canonical =
        new TreeMap<>(data)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
    return ResourceNames.sha256Hex(canonical);
  }
}
