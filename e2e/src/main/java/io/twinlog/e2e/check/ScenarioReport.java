package io.twinlog.e2e.check;

import java.time.Duration;
import java.util.List;

/**
 * What one scenario shows: the figures the issue asks for and every broken promise found.
 *
 * @param scenario name
 * @param made row changes the primary committed
 * @param delivered distinct changes the ERP acknowledged that match the truth
 * @param duplicates idempotency keys the ERP acknowledged more than once
 * @param deadLetters records found in the pipeline's dead-letter topics
 * @param latencyP50 primary commit to ERP receipt, median (null when nothing matched)
 * @param latencyP99 same, 99th percentile
 * @param failureToRestart fault injected to restart requested/observed (null when not applicable)
 * @param problems each broken promise, one line each; empty when the scenario holds
 */
public record ScenarioReport(
    String scenario,
    int made,
    int delivered,
    int duplicates,
    long deadLetters,
    Duration latencyP50,
    Duration latencyP99,
    Duration failureToRestart,
    List<String> problems) {

  /** One line for logs and the playground's summary. */
  public String summary() {
    return String.format(
        "%-22s made=%d delivered=%d duplicates=%d dead-letters=%d latency p50=%s p99=%s"
            + " failure->restart=%s%s",
        scenario,
        made,
        delivered,
        duplicates,
        deadLetters,
        millis(latencyP50),
        millis(latencyP99),
        millis(failureToRestart),
        problems.isEmpty() ? "" : " PROBLEMS=" + problems.size());
  }

  private static String millis(Duration d) {
    return d == null ? "-" : d.toMillis() + "ms";
  }
}
