package io.twinlog.operator.webhook.status;

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
    String sinkState) {}
