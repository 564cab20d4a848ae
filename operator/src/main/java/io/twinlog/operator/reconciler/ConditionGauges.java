package io.twinlog.operator.reconciler;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exports each pipeline's conditions as {@code twinlog_pipeline_condition{namespace, pipeline,
 * type, reason}} (1 True, 0 False, absent while Unknown), so alerts need no Kubernetes access.
 */
public final class ConditionGauges {
  /** Micrometer name; Prometheus shows it as {@code twinlog_pipeline_condition}. */
  public static final String METRIC = "twinlog.pipeline.condition";

  private record Key(String namespace, String pipeline, String type) {}

  /** The exported value and the gauge carrying it; the reason is a tag, so it changes the gauge. */
  private record Exported(String reason, double value, Gauge gauge) {}

  private final MeterRegistry registry;
  private final Map<Key, Exported> exported = new ConcurrentHashMap<>();

  /** Gauges registered in {@code registry}. */
  public ConditionGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Brings the pipeline's gauges in line with its status. */
  public void update(String namespace, String pipeline, CdcPipelineStatus status) {
    List<Condition> conditions =
        status == null || status.getConditions() == null ? List.of() : status.getConditions();
    for (Condition c : conditions) {
      Key key = new Key(namespace, pipeline, c.getType());
      double value =
          switch (String.valueOf(c.getStatus())) {
            case "True" -> 1;
            case "False" -> 0;
            default -> Double.NaN;
          };
      Exported now = exported.get(key);
      if (now != null && Objects.equals(now.reason(), c.getReason()) && same(now.value(), value)) {
        continue;
      }
      if (now != null) {
        registry.remove(now.gauge());
        exported.remove(key);
      }
      if (!Double.isNaN(value)) {
        String reason = Objects.requireNonNullElse(c.getReason(), "");
        Gauge gauge =
            Gauge.builder(METRIC, () -> value)
                .description("1 when the CdcPipeline condition is True, 0 when False")
                .tags("namespace", namespace, "pipeline", pipeline, "type", c.getType())
                .tag("reason", reason)
                .register(registry);
        exported.put(key, new Exported(reason, value, gauge));
      }
    }
  }

  /** Drops every gauge of a deleted pipeline. */
  public void remove(String namespace, String pipeline) {
    exported
        .entrySet()
        .removeIf(
            e -> {
              boolean ours =
                  e.getKey().namespace().equals(namespace)
                      && e.getKey().pipeline().equals(pipeline);
              if (ours) {
                registry.remove(e.getValue().gauge());
              }
              return ours;
            });
  }

  private static boolean same(double a, double b) {
    return Double.compare(a, b) == 0;
  }
}
