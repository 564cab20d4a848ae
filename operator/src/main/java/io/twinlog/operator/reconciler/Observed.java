package io.twinlog.operator.reconciler;

import io.twinlog.operator.status.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The observation for the status, and the moments the operator must look again. */
record Observed(Observation observation, List<Instant> recheckAt) {

  /** The nearest recheck as a delay from {@code now} (at least one second), if any. */
  Optional<Duration> recheckAfter(Instant now) {
    return recheckAfter(now, recheckAt);
  }

  /** The nearest of {@code moments} (nulls ignored) as a delay from {@code now}, at least 1 s. */
  static Optional<Duration> recheckAfter(Instant now, List<Instant> moments) {
    return moments.stream()
        .filter(Objects::nonNull)
        .min(Instant::compareTo)
        .map(at -> Duration.between(now, at))
        .map(d -> d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d);
  }
}
