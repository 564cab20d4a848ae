package io.twinlog.webhook.tls;

import java.util.Locale;

/**
 * Whether the TLS handshake asks the ERP for a client certificate, and whether it must send one.
 */
public enum ClientAuth {
  /** Not asked for: HMAC or the bearer token authenticate alone. */
  NONE,
  /**
   * Asked for; a certificate sent must verify, a client without one goes on to the other checks.
   */
  OPTIONAL,
  /** A client without a certificate signed by the CA is refused in the handshake. */
  REQUIRED;

  public static ClientAuth parse(String value) {
    return valueOf(value.strip().toUpperCase(Locale.ROOT));
  }
}
