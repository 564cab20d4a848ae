package io.twinlog.operator.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.RestartDecision;

/**
 * What the reconciler saw of one source replica's connector, and what it decided.
 *
 * @param silence set when the source wrote no heartbeat for three intervals while a sibling did
 * @param anomaly set while the dedup runtime's latest anomaly for this source is held
 * @param preflight set when the last source check found the replica unfit or unreachable
 */
public record SourceObservation(
    String replica,
    String connectorName,
    ConnectorHealth health,
    RestartDecision decision,
    SourceProblem silence,
    SourceProblem anomaly,
    SourceProblem preflight) {

  /** An observation without silence, anomaly or preflight finding. */
  public SourceObservation(
      String replica, String connectorName, ConnectorHealth health, RestartDecision decision) {
    this(replica, connectorName, health, decision, null, null, null);
  }

  /** An observation without preflight finding. */
  public SourceObservation(
      String replica,
      String connectorName,
      ConnectorHealth health,
      RestartDecision decision,
      SourceProblem silence,
      SourceProblem anomaly) {
    this(replica, connectorName, health, decision, silence, anomaly, null);
  }
}
