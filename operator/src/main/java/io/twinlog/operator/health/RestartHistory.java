package io.twinlog.operator.health;

import java.time.Instant;

/**
 * What Twinlog restarted of one connector, as kept in the CdcPipeline's status (the operator holds
 * no memory of its own, so a restarted operator continues the same backoff).
 *
 * @param restarts all restarts since the pipeline was created
 * @param consecutiveRestarts restarts since the connector was last healthy (the backoff exponent)
 * @param lastRestartTime when Twinlog last restarted it, or null
 */
public record RestartHistory(int restarts, int consecutiveRestarts, Instant lastRestartTime) {

  /** No restart so far. */
  public static RestartHistory none() {
    return new RestartHistory(0, 0, null);
  }

  /** The history after one more restart at {@code now}. */
  public RestartHistory afterRestart(Instant now) {
    return new RestartHistory(restarts + 1, consecutiveRestarts + 1, now);
  }

  /** The history once the connector proved healthy: the backoff starts over. */
  public RestartHistory settled() {
    return new RestartHistory(restarts, 0, lastRestartTime);
  }
}
