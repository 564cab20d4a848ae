package io.twinlog.operator.health;

import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.RestartPolicySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Twinlog's restart loop for failed connectors: exponential backoff from {@code initialBackoff} to
 * {@code maxBackoff}, an optional limit, and never a second restart for one failure.
 *
 * <p>The first failure is restarted at once; after n consecutive restarts the next waits {@code
 * min(initialBackoff * 2^(n-1), maxBackoff)} after the last one. A connector that stays healthy for
 * {@code maxBackoff} after its last restart starts over at zero. "Never twice for one failure"
 * holds because a restart is not repeated while Strimzi has not consumed its annotation, and the
 * restart is recorded in status in the same reconciliation, so the next look sees a backoff of at
 * least {@code initialBackoff} (which the schema keeps above zero).
 *
 * @param maxRestarts consecutive restarts after which Twinlog gives up, or null for no limit
 * @param stallAfter the least time between two restarts of a stalled source: a restarted task gets
 *     that long to resume sending heartbeats before the same stall restarts it again
 */
public record RestartPolicy(
    Duration initialBackoff, Duration maxBackoff, Integer maxRestarts, Duration stallAfter) {

  /** A policy with the default {@code stallAfter} (2 minutes). */
  public RestartPolicy(Duration initialBackoff, Duration maxBackoff, Integer maxRestarts) {
    this(initialBackoff, maxBackoff, maxRestarts, Duration.ofMinutes(2));
  }

  /** The policy of a spec block; defaults when the block is absent. */
  public static RestartPolicy from(RestartPolicySpec spec) {
    RestartPolicySpec s = spec == null ? new RestartPolicySpec() : spec;
    return new RestartPolicy(
        Durations.parse(s.getInitialBackoff()),
        Durations.parse(s.getMaxBackoff()),
        s.getMaxRestarts(),
        Durations.parse(s.getStallAfter()));
  }

  /** The wait after the last restart before the next one, given the restarts so far. */
  public Duration delayAfter(int consecutiveRestarts) {
    if (consecutiveRestarts <= 0) {
      return Duration.ZERO;
    }
    // 2^(n-1) overflows long nanos long before it matters: cap the exponent.
    int exponent = Math.min(consecutiveRestarts - 1, 30);
    Duration delay = initialBackoff.multipliedBy(1L << exponent);
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }

  /** Decides what to do about one connector at {@code now}; a pure function. */
  public RestartDecision decide(ConnectorHealth health, RestartHistory history, Instant now) {
    return decide(health, history, now, null);
  }

  /**
   * Decides what to do about one connector at {@code now}, given a {@link Failure#stalled} failure
   * when the {@link StallDetector} found the source stalled (else null). A stall only counts while
   * Connect reports the connector healthy; it then takes the same restart loop as a failure.
   */
  public RestartDecision decide(
      ConnectorHealth health, RestartHistory history, Instant now, Failure stall) {
    if (health.healthy() && stall != null) {
      return restartOrWait(stall, health, history, now);
    }
    if (health.healthy()) {
      Instant last = history.lastRestartTime();
      if (history.consecutiveRestarts() == 0 || last == null) {
        return new RestartDecision.Healthy(history, null);
      }
      Instant settlesAt = last.plus(maxBackoff);
      return now.isBefore(settlesAt)
          ? new RestartDecision.Healthy(history, settlesAt)
          : new RestartDecision.Healthy(history.settled(), null);
    }
    Optional<Failure> decisive = health.decisiveFailure();
    if (decisive.isEmpty()) {
      return new RestartDecision.NotFailing(history);
    }
    Failure failure = decisive.get();
    if (!failure.kind().restartable()) {
      return new RestartDecision.Unrecoverable(failure, history);
    }
    return restartOrWait(failure, health, history, now);
  }

  private RestartDecision restartOrWait(
      Failure failure, ConnectorHealth health, RestartHistory history, Instant now) {
    if (health.restartPending()) {
      return new RestartDecision.Wait(failure, history, null);
    }
    if (maxRestarts != null && history.consecutiveRestarts() >= maxRestarts) {
      return new RestartDecision.Exhausted(failure, history);
    }
    Instant last = history.lastRestartTime();
    Instant notBefore = last == null ? now : last.plus(delayAfter(history.consecutiveRestarts()));
    if (failure.kind() == FailureKind.STALLED
        && last != null
        && notBefore.isBefore(last.plus(stallAfter))) {
      // A restart does not end a stall, a heartbeat does: give the restarted task stallAfter.
      notBefore = last.plus(stallAfter);
    }
    if (now.isBefore(notBefore)) {
      return new RestartDecision.Wait(failure, history, notBefore);
    }
    return new RestartDecision.Restart(failure, history.afterRestart(now));
  }
}
