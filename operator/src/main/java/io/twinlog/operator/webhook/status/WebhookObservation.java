package io.twinlog.operator.webhook.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.TaskHealth;
import io.twinlog.operator.status.SinkObservation;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a reconciliation saw of an ErpWebhook's parts: ready pods of the two Deployments (null when
 * the Deployment does not exist yet), the sink connector's state as Strimzi or Connect reports it
 * (null when unknown) and, once the connector exists, its health and the restart policy's decision;
 * and the Secrets the receiver pods mount or the sink reads that do not exist (names only).
 */
public record WebhookObservation(
    Integer receiverReady,
    int receiverDesired,
    Integer dedupReady,
    int dedupDesired,
    String sinkState,
    SinkObservation sink,
    List<String> missingReceiverSecrets,
    List<String> missingDeliverySecrets) {

  public WebhookObservation {
    missingReceiverSecrets = List.copyOf(missingReceiverSecrets);
    missingDeliverySecrets = List.copyOf(missingDeliverySecrets);
  }

  /** Every Secret the spec names exists (or none was looked up). */
  public WebhookObservation(
      Integer receiverReady,
      int receiverDesired,
      Integer dedupReady,
      int dedupDesired,
      String sinkState,
      SinkObservation sink) {
    this(
        receiverReady,
        receiverDesired,
        dedupReady,
        dedupDesired,
        sinkState,
        sink,
        List.of(),
        List.of());
  }

  /** The same, with the Secrets the receiver pods and the sink read that do not exist. */
  public WebhookObservation withMissingSecrets(List<String> receiver, List<String> delivery) {
    return new WebhookObservation(
        receiverReady,
        receiverDesired,
        dedupReady,
        dedupDesired,
        sinkState,
        sink,
        receiver,
        delivery);
  }

  /** Before the sink connector exists, or where its restarts do not matter. */
  public WebhookObservation(
      Integer receiverReady,
      int receiverDesired,
      Integer dedupReady,
      int dedupDesired,
      String sinkState) {
    this(receiverReady, receiverDesired, dedupReady, dedupDesired, sinkState, null);
  }

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
