package io.twinlog.webhook.auth;

/**
 * No secret on top of the client certificate ({@code TWINLOG_WEBHOOK_AUTH_TYPE=certificate}): the
 * TLS handshake, with client certificates required, and {@code ClientCertificates} decided before
 * this is asked. The configuration refuses this type unless client certificates are required, so
 * there is still no unauthenticated mode.
 */
public final class ClientCertificateOnly implements Authenticator {
  @Override
  public AuthFailure check(HeaderLookup headers, byte[] body) {
    return null;
  }

  @Override
  public boolean needsBody() {
    return false;
  }
}
