package io.twinlog.operator.health;

import java.time.Instant;

/** What the restart policy decided for one connector, with the history to record in status. */
public sealed interface RestartDecision {

  /** The history to write back to status. */
  RestartHistory history();

  /** When the operator must look again even if nothing changes, or null. */
  default Instant recheckAt() {
    return null;
  }

  /** Connector and all tasks RUNNING. */
  record Healthy(RestartHistory history, Instant recheckAt) implements RestartDecision {}

  /** Nothing failed, nothing running either (created, paused, stopped, restarting, unassigned). */
  record NotFailing(RestartHistory history) implements RestartDecision {}

  /** Restart now: add the annotation, count it, record an Event. */
  record Restart(Failure failure, RestartHistory history) implements RestartDecision {}

  /**
   * A restartable failure that must wait: for its backoff to expire ({@code recheckAt}), or, when
   * {@code recheckAt} is null, for Strimzi to act on the restart already asked for.
   */
  record Wait(Failure failure, RestartHistory history, Instant recheckAt)
      implements RestartDecision {}

  /** A failure restarting cannot fix: report it, never loop. */
  record Unrecoverable(Failure failure, RestartHistory history) implements RestartDecision {}

  /** {@code maxRestarts} consecutive restarts did not help: report, stop restarting. */
  record Exhausted(Failure failure, RestartHistory history) implements RestartDecision {}
}
