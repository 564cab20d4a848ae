package io.twinlog.webhook.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.kafka.common.config.ConfigException;

/**
 * A shared secret (HMAC key or bearer token) as bytes. It has no accessor that returns text and its
 * {@link #toString()} hides it, so it cannot end up in a log line or an exception message by
 * accident.
 */
public final class Secret {
  private final byte[] bytes;

  private Secret(byte[] bytes) {
    if (bytes.length == 0) {
      throw new ConfigException("the webhook secret is empty");
    }
    this.bytes = bytes;
  }

  /** A secret given as text; surrounding whitespace is dropped, as {@link #fromFile} does. */
  public static Secret of(String text) {
    return new Secret(text.strip().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a mounted Secret key. Surrounding whitespace is dropped: a file written with {@code echo}
   * ends in a newline the ERP does not sign with.
   */
  public static Secret fromFile(Path file) {
    try {
      return of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The path is configuration, not secret; the content never reaches the message.
      throw new ConfigException("cannot read the webhook secret file " + file + ": " + e);
    }
  }

  /** A copy of the bytes, for a MAC key or a comparison. */
  byte[] bytes() {
    return Arrays.copyOf(bytes, bytes.length);
  }

  @Override
  public String toString() {
    return "Secret[hidden]";
  }
}
