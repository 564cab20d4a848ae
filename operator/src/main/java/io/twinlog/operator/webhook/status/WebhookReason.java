package io.twinlog.operator.webhook.status;

/** The reasons of an ErpWebhook's Ready condition; one place, so runbooks can be checked. */
public enum WebhookReason {
  /** Every part runs: webhooks are received and delivered. */
  DELIVERING("Delivering"),
  /** No receiver pod is ready: the ERP's calls fail (it retries; nothing is lost yet). */
  RECEIVER_UNAVAILABLE("ReceiverUnavailable"),
  /** No dedup pod is ready: webhooks are taken into Kafka but not passed on. */
  DEDUP_UNAVAILABLE("DedupUnavailable"),
  /** The sink connector is not RUNNING: events wait in Kafka. */
  SINK_NOT_RUNNING("SinkNotRunning");

  private final String value;

  WebhookReason(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
