package io.twinlog.operator.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.RestartDecision;

/**
 * What the reconciler saw of one source replica's connector, and what it decided.
 *
 * @param silence set when the source wrote no heartbeat for three intervals while a sibling did
 * @param anomaly set while the dedup runtime's latest anomaly for this source is held
 * @param preflight set when the last source check found the replica unfit or unreachable
 * @param phase where the source is in the pipeline's start ({@code status.sources[].phase}), or
 *     null when unknown
 * @param seeding set while the source is in its start: held stopped while it waits for the leader
 *     and is set to the leader's position, then recovering its schema history
 *     (docs/concepts/consistent-start.md)
 */
public record SourceObservation(
    String replica,
    String connectorName,
    ConnectorHealth health,
    RestartDecision decision,
    SourceProblem silence,
    SourceProblem anomaly,
    SourceProblem preflight,
    String phase,
    SourceProblem seeding) {

  /** An observation outside any start. */
  public SourceObservation(
      String replica,
      String connectorName,
      ConnectorHealth health,
      RestartDecision decision,
      SourceProblem silence,
      SourceProblem anomaly,
      SourceProblem preflight) {
    this(replica, connectorName, health, decision, silence, anomaly, preflight, null, null);
  }

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
