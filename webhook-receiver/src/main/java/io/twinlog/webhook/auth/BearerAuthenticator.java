package io.twinlog.webhook.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code Authorization: Bearer <token>}, compared in constant time with every valid token (two
 * during a rotation, see {@link SecretSource}).
 */
public final class BearerAuthenticator implements Authenticator {
  private static final String SCHEME = "Bearer ";
  private final SecretSource tokens;

  public BearerAuthenticator(SecretSource tokens) {
    this.tokens = tokens;
  }

  @Override
  public AuthFailure check(HeaderLookup headers, byte[] body) {
    String authorization = headers.first("Authorization");
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return AuthFailure.MISSING_TOKEN;
    }
    byte[] given =
        authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
    // Digests first, so the comparison takes as long whatever the given token's length is.
    byte[] givenDigest = sha256(given);
    boolean match = false;
    for (Secret token : tokens.valid()) {
      match |= MessageDigest.isEqual(sha256(token.bytes()), givenDigest);
    }
    return match ? null : AuthFailure.BAD_TOKEN;
  }

  @Override
  public boolean needsBody() {
    return false;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
