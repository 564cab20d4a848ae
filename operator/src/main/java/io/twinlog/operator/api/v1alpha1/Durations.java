package io.twinlog.operator.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and formats the Go-style duration strings of the API ({@code 1h30m}, {@code 500ms}). */
public final class Durations {
  private Durations() {}

  private static final Pattern WHOLE = Pattern.compile(ApiPatterns.DURATION);
  private static final Pattern PART = Pattern.compile("([0-9]+)(h|ms|m|s)");

  /**
   * Parses a duration such as {@code 48h}, {@code 1h30m} or {@code 500ms}.
   *
   * @throws IllegalArgumentException when the text is not a duration of that form
   */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (expected for example 10s, 5m, 48h, 1h30m, 500ms)");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long amount;
      try {
        amount = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration out of range: '" + text + "'", e);
      }
      try {
        total =
            total.plus(
                switch (m.group(2)) {
                  case "h" -> Duration.ofHours(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  case "s" -> Duration.ofSeconds(amount);
                  default -> Duration.ofMillis(amount);
                });
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("duration out of range: '" + text + "'", e);
      }
    }
    return total;
  }

  /** Whether {@link #parse} accepts the text. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Parses and returns whole milliseconds (the unit of the runtime and connector contracts). */
  public static long toMillis(String text) {
    return parse(text).toMillis();
  }

  /**
   * Formats a duration the way the API writes them, largest units first: {@code 168h}, {@code
   * 1h30m}, {@code 45s}, {@code 250ms}, {@code 0s}.
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      return "-" + format(duration.negated());
    }
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) out.append(hours).append('h');
    if (minutes > 0) out.append(minutes).append('m');
    if (seconds > 0) out.append(seconds).append('s');
    if (millis > 0) out.append(millis).append("ms");
    return out.isEmpty() ? "0s" : out.toString();
  }
}
