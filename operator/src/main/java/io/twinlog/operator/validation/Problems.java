package io.twinlog.operator.validation;

import io.twinlog.operator.api.v1alpha1.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Collects validation errors; each check names the field and returns whether it passed. */
final class Problems {
  private final List<ValidationError> errors = new ArrayList<>();

  void add(String field, String message) {
    errors.add(new ValidationError(field, message));
  }

  List<ValidationError> list() {
    return List.copyOf(errors);
  }

  /** Whether the value is present; reports "is required" otherwise. */
  boolean required(String field, Object value) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      add(field, "is required");
      return false;
    }
    return true;
  }

  /** A present string of at most {@code max} characters matching the pattern. */
  boolean string(String field, String value, String pattern, int max, String expected) {
    if (value.length() > max) {
      add(field, "must be at most " + max + " characters");
      return false;
    }
    if (!Pattern.matches(pattern, value)) {
      add(field, "must be " + expected + ", got '" + value + "'");
      return false;
    }
    return true;
  }

  /** An optional string: checked only when present. */
  boolean optionalString(String field, String value, String pattern, int max, String expected) {
    return value == null || string(field, value, pattern, max, expected);
  }

  /** A number in [min, max]. */
  boolean range(String field, Number value, long min, long max) {
    if (value == null) {
      return true;
    }
    if (value.longValue() < min || value.longValue() > max) {
      add(field, "must be between " + min + " and " + max + ", got " + value);
      return false;
    }
    return true;
  }

  /** A duration that parses and is at least {@code min}; returns it, or null when bad. */
  Duration duration(String field, String value, Duration min) {
    if (value == null) {
      return null;
    }
    if (!Durations.isValid(value)) {
      add(field, "must be a duration such as 10s, 5m, 48h or 1h30m, got '" + value + "'");
      return null;
    }
    Duration parsed = Durations.parse(value);
    if (parsed.compareTo(min) < 0) {
      add(
          field,
          min.isZero() || min.equals(Duration.ofMillis(1))
              ? "must be greater than 0"
              : "must be at least " + Durations.format(min));
      return null;
    }
    return parsed;
  }

  /** Reports each element whose key was seen before (at its own index). */
  <T> void unique(String field, List<T> items, Function<T, Object> key, String what) {
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Object k = items.get(i) == null ? null : key.apply(items.get(i));
      if (k != null && !seen.add(k)) {
        add(field + "[" + i + "]" + what, "duplicate value '" + k + "'; must be unique");
      }
    }
  }
}
