package io.twinlog.operator.webhook.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.TaskHealth;
import java.util.stream.Collectors;

/**
 * What a reconciliation saw of an ErpWebhook's parts: ready pods of the two Deployments (null when
 * the Deployment does not exist yet) and the sink connector's state as Strimzi or Connect reports
 * it (null when unknown).
 */
public record WebhookObservation(
    Integer receiverReady,
    int receiverDesired,
    Integer dedupReady,
    int dedupDesired,
    String sinkState) {

  /**
   * The sink's state as the status says it: {@code RUNNING} only when the connector and every task
   * run (the one state that delivers); a running connector with tasks that do not says which, as
   * {@code RUNNING, task 0 FAILED}; null before anything was reported.
   */
  public static String sinkState(ConnectorHealth health) {
    if (health.healthy()) {
      return ConnectorHealth.RUNNING;
    }
    if (ConnectorHealth.UNKNOWN.equals(health.state())) {
      return null;
    }
    if (!ConnectorHealth.RUNNING.equals(health.state())) {
      return health.state();
    }
    if (health.tasks().isEmpty()) {
      return ConnectorHealth.RUNNING + ", no tasks yet";
    }
    return ConnectorHealth.RUNNING
        + ", "
        + health.tasks().stream()
            .filter(t -> !t.running())
            .map(WebhookObservation::task)
            .collect(Collectors.joining(", "));
  }

  private static String task(TaskHealth task) {
    return "task " + task.id() + " " + task.state();
  }
}
