package io.twinlog.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void parsesGoStyleDurations() {
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("48h")).isEqualTo(Duration.ofHours(48));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
    assertThat(Durations.parse("0s")).isZero();
    assertThat(Durations.toMillis("2h")).isEqualTo(7_200_000L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "s", "1.5h", "-1s", "1d", "10 s", "1h-", "PT10S", "1µs"})
  void rejectsAnythingElse(String text) {
    assertThat(Durations.isValid(text)).isFalse();
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a duration");
  }

  @Test
  void rejectsNullAndOverflow() {
    assertThat(Durations.isValid(null)).isFalse();
    assertThat(Durations.isValid("99999999999999999999h")).isFalse();
    assertThat(Durations.isValid("9999999999999999h")).isFalse();
  }

  @Test
  void formatsLargestUnitsFirst() {
    assertThat(Durations.format(Duration.ofHours(168))).isEqualTo("168h");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(45_250))).isEqualTo("45s250ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.parse(Durations.format(Duration.ofSeconds(3_725))))
        .isEqualTo(Duration.ofSeconds(3_725));
  }
}
