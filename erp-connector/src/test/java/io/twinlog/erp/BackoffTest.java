package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(1_000, 60_000);

  @Test
  void ceilingDoublesPerRetryUpToTheMaximum() {
    assertThat(backoff.ceiling(1)).isEqualTo(1_000);
    assertThat(backoff.ceiling(2)).isEqualTo(2_000);
    assertThat(backoff.ceiling(3)).isEqualTo(4_000);
    assertThat(backoff.ceiling(6)).isEqualTo(32_000);
    assertThat(backoff.ceiling(7)).isEqualTo(60_000);
    assertThat(backoff.ceiling(500)).isEqualTo(60_000);
  }

  @Test
  void jitterStaysBetweenHalfAndAllOfTheCeiling() {
    for (int retry = 1; retry <= 10; retry++) {
      long ceiling = backoff.ceiling(retry);
      assertThat(backoff.delayMs(retry, -1, () -> 0.0)).isEqualTo(ceiling / 2);
      assertThat(backoff.delayMs(retry, -1, () -> 0.999_999_999)).isEqualTo(ceiling);
      assertThat(backoff.delayMs(retry, -1, () -> 0.5)).isBetween(ceiling / 2, ceiling);
    }
  }

  @Test
  void retryAfterIsALowerBoundCappedByTheMaximum() {
    assertThat(backoff.delayMs(1, 5_000, () -> 0.0)).isEqualTo(5_000);
    assertThat(backoff.delayMs(1, 10, () -> 0.0)).isEqualTo(500);
    assertThat(backoff.delayMs(1, 3_600_000, () -> 0.0)).isEqualTo(60_000);
  }

  @Test
  void zeroInitialBackoffRetriesAtOnce() {
    assertThat(new Backoff(0, 0).delayMs(5, -1, () -> 0.7)).isZero();
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    long now = ZonedDateTime.of(2026, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
    assertThat(Backoff.parseRetryAfterMs("7", now)).isEqualTo(7_000);
    assertThat(Backoff.parseRetryAfterMs(" 0 ", now)).isZero();
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.of(2026, 1, 1, 12, 0, 30, 0, ZoneOffset.UTC));
    assertThat(Backoff.parseRetryAfterMs(date, now)).isEqualTo(30_000);
    assertThat(Backoff.parseRetryAfterMs(null, now)).isEqualTo(-1);
    assertThat(Backoff.parseRetryAfterMs("soon", now)).isEqualTo(-1);
    assertThat(Backoff.parseRetryAfterMs("-3", now)).isEqualTo(-1);
  }
}
