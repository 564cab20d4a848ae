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

  /**
   * A change delivered for the first time by this source, committed more than the window before the
   * newest commit seen: its twin's entry may have left the window store, so it is dropped as
   * delivered (the window must exceed the longest lag between sources).
   *
   * @param change how the message names the change ("change" or "change &lt;id&gt;")
   */
  default Verdict beyondWindow(
      String source, String change, long tsMs, long windowMs, long newestCommit) {
    report(
        source,
        AnomalyKind.BEYOND_WINDOW,
        change
            + " committed at "
            + tsMs
            + " arrived more than the window ("
            + windowMs
            + " ms) behind the newest commit seen, "
            + newestCommit
            + "; its twin from another source was forgotten, so it is dropped as delivered");
    return Verdict.drop("beyond-window");
  }
}
