package io.twinlog.webhook.auth;

/** Decides whether a request comes from the ERP. Implementations are thread-safe. */
public sealed interface Authenticator
    permits HmacAuthenticator, BearerAuthenticator, ClientCertificateOnly {

  /**
   * Checks one request; {@code body} is null when {@link #needsBody()} is false.
   *
   * @return null when the request is authentic, else why not
   */
  AuthFailure check(HeaderLookup headers, byte[] body);

  /** True when the body is part of the check, so it must be read first. */
  boolean needsBody();
}
