package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the receiver authenticates the ERP's requests. */
public enum WebhookAuthType {
  HMAC("hmac"),
  BEARER("bearer"),
  /**
   * The client certificate alone (mutual TLS): needs {@code spec.receiver.tls.clientAuth:
   * required}; no Secret of the ERP's is mounted.
   */
  CERTIFICATE("certificate");

  private final String value;

  WebhookAuthType(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }
}
