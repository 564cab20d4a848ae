package io.twinlog.operator.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.RestartDecision;

/** What the reconciler saw of one source replica's connector, and what it decided. */
public record SourceObservation(
    String replica, String connectorName, ConnectorHealth health, RestartDecision decision) {}
