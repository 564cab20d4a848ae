package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;
import java.util.List;

/**
 * Receives source anomalies (I5): counted in metrics, logged with the reason and, when configured,
 * written to the anomaly topic for the operator.
 */
@FunctionalInterface
public interface AnomalySink {
  void report(String source, AnomalyKind kind, String why, List<String> gtids);

  default void report(String source, AnomalyKind kind, String why) {
    report(source, kind, why, List.of());
  }
}
