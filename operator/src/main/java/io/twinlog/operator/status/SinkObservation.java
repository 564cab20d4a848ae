package io.twinlog.operator.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.RestartDecision;

/** What the reconciler saw of the ERP sink connector, and what it decided. */
public record SinkObservation(
    String connectorName, ConnectorHealth health, RestartDecision decision) {}
