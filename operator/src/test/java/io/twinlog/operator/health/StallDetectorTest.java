package io.twinlog.operator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.operator.health.StallDetector.Progress;
import io.twinlog.operator.health.StallDetector.Stall;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StallDetectorTest {
  private static final Duration STALL_AFTER = Duration.ofMinutes(2);
  private static final Instant T0 = Instant.parse("2026-11-21T02:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final StallDetector detector = new StallDetector(STALL_AFTER);
  private final Map<String, Instant> seen = new HashMap<>();

  private void heartbeat(String source) {
    seen.put(source, clock.instant());
  }

  private List<Progress> progress() {
    return List.of("replica-a", "replica-b", "replica-c").stream()
        .filter(seen::containsKey)
        .map(s -> new Progress(s, seen.get(s)))
        .toList();
  }

  private List<String> stalled() {
    return detector.stalled(progress(), clock.instant()).stream().map(Stall::source).toList();
  }

  /** Advances the clock 10 s at a time for {@code duration}; the {@code alive} sources beat. */
  private void beatFor(Duration duration, String... alive) {
    Instant end = clock.instant().plus(duration);
    while (clock.instant().isBefore(end)) {
      clock.advance(Duration.ofSeconds(10));
      for (String source : alive) {
        heartbeat(source);
      }
    }
  }

  @Test
  void aSourceSilentWhileItsSiblingBeatsIsStalledOnlyAfterStallAfter() {
    heartbeat("replica-a");
    heartbeat("replica-b");
    Instant bLast = clock.instant();

    beatFor(Duration.ofMinutes(2), "replica-a");
    assertThat(stalled()).as("silent exactly stallAfter: not yet").isEmpty();

    clock.advance(Duration.ofSeconds(1));
    heartbeat("replica-a");
    List<Stall> stalls = detector.stalled(progress(), clock.instant());
    assertThat(stalls).containsExactly(new Stall("replica-b", bLast, "replica-a", clock.instant()));
    assertThat(stalls.get(0).describe(STALL_AFTER))
        .contains("since " + bLast)
        .contains("replica-a delivered at")
        .contains("RUNNING");
  }

  @Test
  void aQuietDatabaseOrAKafkaOutageDoesNotFlagEverybody() {
    heartbeat("replica-a");
    heartbeat("replica-b");
    clock.advance(Duration.ofMinutes(30));
    assertThat(stalled()).isEmpty();
  }

  @Test
  void twoOfThreeSilentAreBothStalledWhileTheThirdBeats() {
    heartbeat("replica-a");
    heartbeat("replica-b");
    heartbeat("replica-c");
    beatFor(Duration.ofMinutes(3), "replica-c");
    assertThat(stalled()).containsExactly("replica-a", "replica-b");
  }

  @Test
  void aSourceNeverSeenIsNotJudged() {
    heartbeat("replica-a");
    beatFor(Duration.ofMinutes(10), "replica-a");
    assertThat(stalled()).isEmpty();
  }

  @Test
  void aSingleSourceIsNeverStalledForLackOfAPeer() {
    heartbeat("replica-a");
    clock.advance(Duration.ofHours(1));
    assertThat(detector.stalled(List.of(new Progress("replica-a", T0)), clock.instant())).isEmpty();
  }

  @Test
  void onlyAHeartbeatEndsAStall() {
    heartbeat("replica-a");
    heartbeat("replica-b");
    beatFor(Duration.ofMinutes(3), "replica-a");
    assertThat(stalled()).containsExactly("replica-b");
    beatFor(Duration.ofMinutes(5), "replica-a");
    assertThat(stalled())
        .as("restarts do not count; RestartPolicy spaces them")
        .containsExactly("replica-b");
    heartbeat("replica-b");
    assertThat(stalled()).as("it resumed").isEmpty();
  }

  @Test
  void aStalledSourceIsNotTheProofThatAnotherOneIsStalled() {
    heartbeat("replica-a");
    clock.advance(Duration.ofMinutes(1));
    heartbeat("replica-b");
    clock.advance(Duration.ofMinutes(5));
    assertThat(stalled()).as("b progressed after a, but b is silent too").isEmpty();
  }

  @Test
  void nextCheckIsWhenTheEarliestSilenceReachesStallAfter() {
    heartbeat("replica-a");
    clock.advance(Duration.ofSeconds(30));
    heartbeat("replica-b");
    clock.advance(Duration.ofSeconds(5));
    assertThat(detector.nextCheckAt(progress(), clock.instant()))
        .contains(T0.plus(STALL_AFTER).plusSeconds(1));
    clock.advance(Duration.ofSeconds(90));
    assertThat(detector.nextCheckAt(progress(), clock.instant()))
        .contains(T0.plusSeconds(31).plus(STALL_AFTER));
    clock.advance(Duration.ofMinutes(10));
    assertThat(detector.nextCheckAt(progress(), clock.instant())).isEmpty();
  }

  @Test
  void stallAfterMustBePositive() {
    assertThatThrownBy(() -> new StallDetector(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
