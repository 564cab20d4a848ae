package io.twinlog.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.DedupAnomalyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceAnomaliesTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration HOLD = Duration.ofMinutes(15);

  private static DedupAnomalyRecord at(String source, String kind, Duration after) {
    return new DedupAnomalyRecord(source, kind, "m", List.of(), T0.plus(after).toEpochMilli());
  }

  @Test
  void theLatestAnomalyPerSourceIsHeldUntilTheHoldTimeEnds() {
    var older = at("replica-b", "gtid-jump", Duration.ZERO);
    var newer = at("replica-b", "source-skipped", Duration.ofMinutes(5));
    var other = at("replica-a", "beyond-window", Duration.ofMinutes(1));
    List<DedupAnomalyRecord> all = List.of(older, newer, other);

    assertThat(SourceAnomalies.held(all, HOLD, T0.plus(Duration.ofMinutes(10))))
        .containsEntry("replica-b", newer)
        .containsEntry("replica-a", other);
    // replica-a's ended at 16m, replica-b's newer one holds until 20m.
    assertThat(SourceAnomalies.held(all, HOLD, T0.plus(Duration.ofMinutes(17))))
        .containsOnlyKeys("replica-b");
    assertThat(SourceAnomalies.held(all, HOLD, T0.plus(Duration.ofMinutes(20)))).isEmpty();
    assertThat(
            SourceAnomalies.nextExpiry(
                List.of(newer, other), HOLD, T0.plus(Duration.ofMinutes(10))))
        .contains(T0.plus(Duration.ofMinutes(16)).plusSeconds(1));
  }
}
