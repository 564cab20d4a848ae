package io.twinlog.webhook.extract;

/** A webhook that cannot be written: the message says why and goes back to the caller (400). */
public final class BadWebhookException extends Exception {
  public BadWebhookException(String message) {
    super(message, null, false, false);
  }
}
