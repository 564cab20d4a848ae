package io.twinlog.operator.status;

import io.twinlog.operator.observe.DeadLetterReading;

/**
 * Ready and desired instances of the dedup runtime's Deployment, and its dead-letter topic.
 *
 * @param deadLetters what that topic held when last read, null when it was not read yet
 */
public record DedupObservation(
    int readyInstances,
    int desiredInstances,
    String deadLetterTopic,
    DeadLetterReading deadLetters) {

  /** An observation with nothing known of the dead-letter topic. */
  public DedupObservation(int readyInstances, int desiredInstances) {
    this(readyInstances, desiredInstances, null, null);
  }
}
