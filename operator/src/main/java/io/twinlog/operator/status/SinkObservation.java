package io.twinlog.operator.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.observe.DeadLetterReading;

/**
 * What the reconciler saw of the ERP sink connector, and what it decided.
 *
 * @param deadLetterTopic the sink's dead-letter topic
 * @param deadLetters what that topic held when last read, null when it was not read yet
 */
public record SinkObservation(
    String connectorName,
    ConnectorHealth health,
    RestartDecision decision,
    String deadLetterTopic,
    DeadLetterReading deadLetters) {

  /** An observation with nothing known of the dead-letter topic. */
  public SinkObservation(String connectorName, ConnectorHealth health, RestartDecision decision) {
    this(connectorName, health, decision, null, null);
  }
}
