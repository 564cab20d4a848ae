package io.twinlog.operator.webhook.status;

/** The reasons of an ErpWebhook's Ready condition; one place, so runbooks can be checked. */
public enum WebhookReason {
  /** Every part runs: webhooks are received and delivered. */
  DELIVERING("Delivering", null),
  /** No receiver pod is ready: the ERP's calls fail (it retries; nothing is lost yet). */
  RECEIVER_UNAVAILABLE("ReceiverUnavailable", "webhook-receiver-unavailable.md"),
  /** No dedup pod is ready: webhooks are taken into Kafka but not passed on. */
  DEDUP_UNAVAILABLE("DedupUnavailable", "webhook-dedup-unavailable.md"),
  /** The sink connector is not RUNNING: events wait in Kafka. */
  SINK_NOT_RUNNING("SinkNotRunning", "webhook-sink-not-running.md"),
  /**
   * A part is down and a Secret it reads does not exist (the receiver pods cannot mount it, the
   * sink cannot resolve it); the message names it, then the parts.
   */
  SECRET_MISSING("SecretMissing", "secret-missing.md"),
  /** The operator could not make the owned resources what the spec says; the message says why. */
  RECONCILE_FAILED("ReconcileFailed", null);

  private final String value;
  private final String runbook;

  WebhookReason(String value, String runbook) {
    this.value = value;
    this.runbook = runbook;
  }

  public String value() {
    return value;
  }

  /** The runbook's path from the repository root, or null when the message is all there is. */
  public String runbook() {
    return runbook == null ? null : "docs/operations/runbooks/" + runbook;
  }
}
