package io.twinlog.operator.observe;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One answer of a Connect worker to {@code GET /connectors/NAME/status}.
 *
 * @param status Connect's status JSON as a map ({@code connector}, {@code tasks}, ...), or null
 *     when Connect does not know the connector (404: Strimzi has not created it yet)
 * @param at when the answer arrived, on the operator's clock
 */
public record ConnectReading(Map<String, Object> status, Instant at) {

  /** Whether Connect knows the connector. */
  public boolean exists() {
    return status != null;
  }

  /** Connector state and task states: what a change notification compares. */
  List<String> summary() {
    if (status == null) {
      return List.of("absent");
    }
    String connector =
        status.get("connector") instanceof Map<?, ?> c ? String.valueOf(c.get("state")) : "?";
    List<String> summary = new java.util.ArrayList<>(List.of(connector));
    if (status.get("tasks") instanceof List<?> tasks) {
      for (Object task : tasks) {
        if (task instanceof Map<?, ?> t) {
          summary.add(t.get("id") + "=" + t.get("state"));
        }
      }
    }
    return List.copyOf(summary);
  }

  /** Whether the connector or a task is FAILED. */
  boolean anyFailed() {
    return summary().stream().anyMatch(s -> s.equals("FAILED") || s.endsWith("=FAILED"));
  }
}
