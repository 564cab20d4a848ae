package io.twinlog.dedup.processor;

import io.twinlog.dedup.metrics.AnomalyKind;

/** Receives source anomalies (I5): counted in metrics and logged with the reason. */
@FunctionalInterface
public interface AnomalySink {
  void report(String source, AnomalyKind kind, String why);
}
