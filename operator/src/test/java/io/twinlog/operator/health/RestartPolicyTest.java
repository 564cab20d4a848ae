package io.twinlog.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.RestartPolicySpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private final RestartPolicy policy =
      new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), null);

  private static ConnectorHealth failed(String trace) {
    return ConnectorHealth.of(
        ConnectorStatuses.connector("a", ConnectorStatuses.taskFailed("a", trace)));
  }

  private static final ConnectorHealth REFUSED = failed(Traces.read("connection-refused"));
  private static final ConnectorHealth HEALTHY =
      ConnectorHealth.of(ConnectorStatuses.connector("a", ConnectorStatuses.running("a")));

  @Test
  void backoffDoublesFromInitialUpToMax() {
    assertThat(policy.delayAfter(0)).isZero();
    assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(40));
    assertThat(policy.delayAfter(6)).isEqualTo(Duration.ofSeconds(320));
    assertThat(policy.delayAfter(7)).isEqualTo(Duration.ofMinutes(10));
    assertThat(policy.delayAfter(1000)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void firstFailureIsRestartedAtOnceAndCounted() {
    RestartDecision decision = policy.decide(REFUSED, RestartHistory.none(), T0);

    assertThat(decision).isInstanceOf(RestartDecision.Restart.class);
    assertThat(decision.history()).isEqualTo(new RestartHistory(1, 1, T0));
  }

  @Test
  void repeatedFailuresFollowTheBackoffDrivenByTheClock() {
    MutableClock clock = new MutableClock(T0);
    RestartHistory history = RestartHistory.none();
    // restart 1 at T0, restart 2 at +10s, restart 3 at +30s (20s later), restart 4 at +70s
    long[] expectedRestartOffsets = {0, 10, 30, 70, 150};
    int restarts = 0;
    for (long second = 0; second <= 80; second++) {
      clock.set(T0.plusSeconds(second));
      RestartDecision decision = policy.decide(REFUSED, history, clock.instant());
      if (decision instanceof RestartDecision.Restart) {
        assertThat(second).isEqualTo(expectedRestartOffsets[restarts]);
        restarts++;
      } else {
        assertThat(decision).isInstanceOf(RestartDecision.Wait.class);
        assertThat(decision.recheckAt())
            .isEqualTo(T0.plusSeconds(expectedRestartOffsets[restarts]));
      }
      history = decision.history();
    }
    assertThat(restarts).isEqualTo(4);
    assertThat(history).isEqualTo(new RestartHistory(4, 4, T0.plusSeconds(70)));
  }

  @Test
  void neverRestartsTwiceWhileStrimziHasNotActed() {
    RestartHistory afterFirst = RestartHistory.none().afterRestart(T0);
    var pending = ConnectorStatuses.connector("a", ConnectorStatuses.taskFailed("a", "boom"));
    pending.getMetadata().setAnnotations(java.util.Map.of(RestartAnnotations.RESTART_TASK, "0"));

    RestartDecision decision =
        policy.decide(ConnectorHealth.of(pending), afterFirst, T0.plus(Duration.ofHours(1)));

    assertThat(decision).isInstanceOf(RestartDecision.Wait.class);
    assertThat(decision.recheckAt()).isNull();
    // and the same failure still showing right after the restart waits for initialBackoff
    assertThat(policy.decide(REFUSED, afterFirst, T0.plusSeconds(1)))
        .isInstanceOf(RestartDecision.Wait.class);
  }

  @Test
  void unrecoverableFailureIsNeverRestarted() {
    for (String trace :
        new String[] {
          "mariadb-1236-gtid-purged", "mysql-1236-master-purged", "schema-history-missing"
        }) {
      RestartDecision decision =
          policy.decide(failed(Traces.read(trace)), RestartHistory.none(), T0);
      assertThat(decision).isInstanceOf(RestartDecision.Unrecoverable.class);
      assertThat(decision.history()).isEqualTo(RestartHistory.none());
    }
  }

  @Test
  void givesUpAfterMaxRestarts() {
    RestartPolicy limited = new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), 2);
    RestartHistory two = new RestartHistory(5, 2, T0);

    assertThat(limited.decide(REFUSED, two, T0.plus(Duration.ofHours(1))))
        .isInstanceOf(RestartDecision.Exhausted.class);
    assertThat(limited.decide(REFUSED, new RestartHistory(5, 1, T0), T0.plusSeconds(10)))
        .isInstanceOf(RestartDecision.Restart.class);
  }

  @Test
  void healthyForMaxBackoffAfterTheLastRestartStartsOver() {
    RestartHistory three = new RestartHistory(3, 3, T0);

    RestartDecision soon = policy.decide(HEALTHY, three, T0.plusSeconds(30));
    assertThat(soon.history()).isEqualTo(three);
    assertThat(soon.recheckAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));

    RestartDecision later = policy.decide(HEALTHY, three, T0.plus(Duration.ofMinutes(10)));
    assertThat(later.history()).isEqualTo(new RestartHistory(3, 0, T0));
    assertThat(later.recheckAt()).isNull();
    // a failure after settling is restarted at once again
    assertThat(policy.decide(REFUSED, later.history(), T0.plus(Duration.ofMinutes(11))))
        .isInstanceOf(RestartDecision.Restart.class);
  }

  @Test
  void connectorThatIsPausedOrNotReportedYetIsNotFailing() {
    var paused =
        ConnectorHealth.of(
            ConnectorStatuses.connector(
                "a",
                ConnectorStatuses.of(
                    "a", "PAUSED", null, java.util.List.<Object[]>of(new Object[] {0, "PAUSED"}))));
    assertThat(policy.decide(paused, RestartHistory.none(), T0))
        .isInstanceOf(RestartDecision.NotFailing.class);
    assertThat(policy.decide(ConnectorHealth.absent(), RestartHistory.none(), T0))
        .isInstanceOf(RestartDecision.NotFailing.class);
  }

  @Test
  void policyComesFromTheSpecWithDefaults() {
    assertThat(RestartPolicy.from(null))
        .isEqualTo(new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(10), null));
    RestartPolicySpec spec = new RestartPolicySpec();
    spec.setInitialBackoff("1s");
    spec.setMaxBackoff("1m30s");
    spec.setMaxRestarts(5);
    assertThat(RestartPolicy.from(spec))
        .isEqualTo(new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(90), 5));
  }
}
