package io.twinlog.webhook.extract;

/**
 * What the receiver writes for one webhook: the event id (the idempotency key downstream), the
 * entity key (the record key, so per-entity order holds) and the body exactly as received.
 */
public record WebhookEvent(String eventId, String entityKey, byte[] body) {}
