package io.twinlog.operator.health;

import io.twinlog.contracts.DedupAnomalyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which sources the dedup runtime distrusts now, as a pure function of its anomaly records: a
 * source stays distrusted for {@code hold} after its latest anomaly (the runtime reports a
 * condition, not a state, so only time ends it).
 */
public final class SourceAnomalies {
  private SourceAnomalies() {}

  /** The latest anomaly per source whose {@code atMs + hold} is still ahead of {@code now}. */
  public static Map<String, DedupAnomalyRecord> held(
      Collection<DedupAnomalyRecord> records, Duration hold, Instant now) {
    Map<String, DedupAnomalyRecord> latest = new HashMap<>();
    for (DedupAnomalyRecord record : records) {
      if (until(record, hold).isAfter(now)) {
        latest.merge(record.source(), record, (a, b) -> a.atMs() >= b.atMs() ? a : b);
      }
    }
    return latest;
  }

  /** When the first of these anomalies stops being held (plus a second), if any. */
  public static Optional<Instant> nextExpiry(
      Collection<DedupAnomalyRecord> held, Duration hold, Instant now) {
    return held.stream()
        .map(r -> until(r, hold).plusSeconds(1))
        .filter(t -> t.isAfter(now))
        .min(Instant::compareTo);
  }

  /** When an anomaly stops being held. */
  public static Instant until(DedupAnomalyRecord record, Duration hold) {
    return Instant.ofEpochMilli(record.atMs()).plus(hold);
  }
}
