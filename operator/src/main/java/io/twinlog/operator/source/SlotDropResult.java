package io.twinlog.operator.source;

import java.util.Objects;

/**
 * What became of dropping a pipeline's replication slot on one server.
 *
 * @param failure why it could not be dropped when {@link Outcome#NOT_CONNECTED} or {@link
 *     Outcome#FAILED} (e.g. SourceUnreachable, SourceTimeout); null otherwise
 * @param message one line for events and logs, naming the replica and the slot
 */
public record SlotDropResult(
    String replicaName, String slotName, Outcome outcome, FindingReason failure, String message) {

  /** The ways a drop ends. */
  public enum Outcome {
    /** The slot existed and was dropped. */
    DROPPED,
    /** There was no such slot (dropped before, or never created). */
    ALREADY_GONE,
    /** A connector still streams from it: retry once the connector has stopped. */
    STILL_ACTIVE,
    /** The server could not be reached or refused the login: retry later. */
    NOT_CONNECTED,
    /** Connected, but the drop failed otherwise (privileges, a timeout, ...): retry later. */
    FAILED
  }

  public SlotDropResult {
    Objects.requireNonNull(replicaName, "replicaName");
    Objects.requireNonNull(slotName, "slotName");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
  }

  /** True when the slot no longer exists: a finalizer waiting for it may go. */
  public boolean gone() {
    return outcome == Outcome.DROPPED || outcome == Outcome.ALREADY_GONE;
  }
}
