package io.twinlog.erp;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: before retry {@code n} (1-based) wait a time drawn uniformly
 * from {@code [b/2, b]} where {@code b = min(max, initial * 2^(n-1))}; a server's Retry-After is
 * honoured as a lower bound, everything capped at {@code max}.
 */
public record Backoff(long initialMs, long maxMs) {

  /** The wait before retry {@code retry} (1 = first retry); {@code random} yields [0, 1). */
  public long delayMs(int retry, long retryAfterMs, DoubleSupplier random) {
    long base = ceiling(retry);
    long jittered = base / 2 + (long) Math.floor(random.getAsDouble() * (base - base / 2 + 1));
    jittered = Math.min(jittered, base);
    return Math.min(maxMs, Math.max(jittered, Math.max(0, retryAfterMs)));
  }

  /** The upper bound of the wait before retry {@code retry}, before Retry-After. */
  public long ceiling(int retry) {
    int shift = Math.max(0, Math.min(retry - 1, 62));
    long base = initialMs;
    for (int i = 0; i < shift && base < maxMs; i++) {
      base = base * 2;
    }
    return Math.min(maxMs, base);
  }

  /**
   * Parses a Retry-After value: delta seconds or an HTTP date (RFC 9110); -1 when absent or
   * unparseable.
   */
  public static long parseRetryAfterMs(String value, long nowEpochMs) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    String trimmed = value.trim();
    try {
      long seconds = Long.parseLong(trimmed);
      return seconds < 0 ? -1 : Duration.ofSeconds(Math.min(seconds, 86_400L * 365)).toMillis();
    } catch (NumberFormatException notSeconds) {
      try {
        long at =
            ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant()
                .toEpochMilli();
        return Math.max(0, at - nowEpochMs);
      } catch (DateTimeParseException notDate) {
        return -1;
      }
    }
  }
}
