package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether the receiver's TLS handshake asks the ERP for a client certificate: the receiver's {@code
 * TWINLOG_WEBHOOK_TLS_CLIENT_AUTH}, spelled as it accepts it.
 */
public enum ReceiverClientAuth {
  /** Not asked for: HMAC or the bearer token authenticate alone. */
  NONE("none"),
  /** Asked for; one sent must verify, a client without one goes on to HMAC or the token. */
  OPTIONAL("optional"),
  /** A client without a certificate the CA signed fails the handshake. */
  REQUIRED("required");

  private final String value;

  ReceiverClientAuth(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }
}
