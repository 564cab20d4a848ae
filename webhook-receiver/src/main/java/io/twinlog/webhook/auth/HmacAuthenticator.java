package io.twinlog.webhook.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over the body (or over {@code <timestamp>.<body>}), compared in constant time, with a
 * replay window on a signed timestamp header. See docs/concepts/webhooks.md, section
 * Authentication.
 */
public final class HmacAuthenticator implements Authenticator {
  private static final String ALGORITHM = "HmacSHA256";
  // Past this, seconds * 1000 overflows; no real clock is there.
  private static final long MAX_TIMESTAMP_SECONDS = Long.MAX_VALUE / 1000 - 1;

  /** How the signature's bytes are written in its header. */
  public enum Encoding {
    HEX,
    BASE64
  }

  /** What the ERP signs. */
  public enum SignedContent {
    BODY,
    TIMESTAMP_DOT_BODY
  }

  private final SecretSource secrets;
  private final Map<Secret, Mac> prototypes = new ConcurrentHashMap<>();
  private final String signatureHeader;
  private final String prefix;
  private final Encoding encoding;
  private final String timestampHeader;
  private final SignedContent content;
  private final long windowMs;
  private final Clock clock;

  /**
   * @param timestampHeader null: no replay check, and {@code content} must be {@code BODY}
   */
  public HmacAuthenticator(
      SecretSource secrets,
      String signatureHeader,
      String prefix,
      Encoding encoding,
      String timestampHeader,
      SignedContent content,
      Duration replayWindow,
      Clock clock) {
    this.signatureHeader = signatureHeader;
    this.prefix = prefix == null ? "" : prefix;
    this.encoding = encoding;
    this.timestampHeader = timestampHeader;
    this.content = timestampHeader == null ? SignedContent.BODY : content;
    this.windowMs = replayWindow.toMillis();
    this.clock = clock;
    this.secrets = secrets;
  }

  @Override
  public AuthFailure check(HeaderLookup headers, byte[] body) {
    String signature = headers.first(signatureHeader);
    if (signature == null || signature.isBlank()) {
      return AuthFailure.MISSING_SIGNATURE;
    }
    String timestamp = null;
    long timestampSeconds = 0;
    if (timestampHeader != null) {
      timestamp = headers.first(timestampHeader);
      try {
        timestampSeconds = Long.parseLong(timestamp == null ? "" : timestamp.strip());
      } catch (NumberFormatException e) {
        return AuthFailure.MISSING_TIMESTAMP;
      }
      if (Math.abs(timestampSeconds) > MAX_TIMESTAMP_SECONDS) {
        return AuthFailure.MISSING_TIMESTAMP;
      }
    }
    byte[] given = decode(signature.strip());
    if (given == null) {
      return AuthFailure.BAD_SIGNATURE;
    }
    boolean match = false;
    for (Secret secret : secrets.valid()) {
      match |= MessageDigest.isEqual(sign(secret, timestamp, body), given);
    }
    if (!match) {
      return AuthFailure.BAD_SIGNATURE;
    }
    // Checked after the signature, so a replay is a genuinely signed request that is too old.
    if (timestampHeader != null && Math.abs(clock.millis() - timestampSeconds * 1000L) > windowMs) {
      return AuthFailure.REPLAYED_TIMESTAMP;
    }
    return null;
  }

  @Override
  public boolean needsBody() {
    return true;
  }

  /** The signature bytes for a request with the current secret; public for tests. */
  public byte[] sign(String timestamp, byte[] body) {
    return sign(secrets.valid().get(0), timestamp, body);
  }

  private byte[] sign(Secret secret, String timestamp, byte[] body) {
    Mac mac = newMac(secret);
    if (content == SignedContent.TIMESTAMP_DOT_BODY) {
      mac.update(timestamp.strip().getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
    }
    return mac.doFinal(body);
  }

  private Mac newMac(Secret secret) {
    if (prototypes.size() > 4) {
      prototypes.keySet().retainAll(secrets.valid()); // rotated-out secrets
    }
    Mac prototype = prototypes.computeIfAbsent(secret, HmacAuthenticator::keyed);
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's HmacSHA256 is cloneable", e);
    }
  }

  private static Mac keyed(Secret secret) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.bytes(), ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has " + ALGORITHM, e);
    }
  }

  private byte[] decode(String headerValue) {
    if (!headerValue.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null;
    }
    String text = headerValue.substring(prefix.length());
    try {
      return encoding == Encoding.HEX
          ? HexFormat.of().parseHex(text.toLowerCase(java.util.Locale.ROOT))
          : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
