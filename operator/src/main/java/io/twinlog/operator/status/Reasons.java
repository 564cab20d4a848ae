package io.twinlog.operator.status;

import io.twinlog.contracts.DedupAnomalyRecord;

/**
 * Every condition reason the operator writes, in CamelCase; docs/concepts/reconciliation.md lists
 * them with their meaning and docs/operations/runbooks/ says what to do about the False ones.
 */
public final class Reasons {
  private Reasons() {}

  // Ready
  /** Ready=True: every part healthy. */
  public static final String DELIVERING = "Delivering";

  /**
   * Ready=True: delivering, but a source or a dedup instance is down (I5: one healthy source
   * suffices).
   */
  public static final String DEGRADED = "Degraded";

  /** Ready=False: the spec is invalid; nothing was created or changed. */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** Ready=False / SourcesHealthy=False / SinkReady=False: spec.state is paused. */
  public static final String PAUSED = "Paused";

  /** Ready=False / SourcesHealthy=False / SinkReady=False: spec.state is stopped. */
  public static final String STOPPED = "Stopped";

  /** Ready=False: no source connector is running. */
  public static final String NO_HEALTHY_SOURCE = "NoHealthySource";

  /** Ready=False: no dedup instance is ready. DedupReady=False: fewer ready than desired. */
  public static final String DEDUP_NOT_READY = "DedupNotReady";

  /** Ready=False: the ERP sink connector is not running. */
  public static final String SINK_NOT_READY = "SinkNotReady";

  /** Ready=False: applying the desired resources failed (the message has the API error). */
  public static final String RECONCILE_FAILED = "ReconcileFailed";

  // SourcesHealthy, SinkReady, and SourceStatus.reason
  /** SourcesHealthy=True. */
  public static final String ALL_SOURCES_RUNNING = "AllSourcesRunning";

  /** A connector or task failed; Twinlog restarts it with backoff. */
  public static final String CONNECTOR_FAILED = "ConnectorFailed";

  /** A connector exists but does not run yet (no status, unassigned, restarting, NotReady). */
  public static final String CONNECTOR_NOT_READY = "ConnectorNotReady";

  /**
   * A part is down and a Secret it reads (spec.source.credentials, spec.kafka's CA or user, the
   * ERP's auth or CA) does not exist.
   */
  public static final String SECRET_MISSING = "SecretMissing";

  /**
   * SourceStatus.reason while a source waits for the snapshot leader or is being set to its
   * position (docs/concepts/consistent-start.md); the pipeline still delivers from the leader.
   */
  public static final String SEEDING = "Seeding";

  /** Event: a source that cannot resume is started again from a streaming source's position. */
  public static final String SOURCE_RESEEDING = "SourceReseeding";

  /** Event: a source was set to another source's position (consistent start). */
  public static final String SOURCE_SEEDED = "SourceSeeded";

  /** Event: a seeded source streams; its schema history is rebuilt and its start is over. */
  public static final String SOURCE_STREAMING = "SourceStreaming";

  /** Event: a replica joined {@code spec.source.replicas} of a running pipeline. */
  public static final String SOURCE_ADDED = "SourceAdded";

  /** Event: a replica left {@code spec.source.replicas}: its connector is deleted. */
  public static final String SOURCE_REMOVED = "SourceRemoved";

  /** Event: Twinlog asked Strimzi to list a source's offsets, the position others start at. */
  public static final String SEED_POSITION_REQUESTED = "SeedPositionRequested";

  /** Event: Twinlog asked Strimzi to restart a failed connector or task. */
  public static final String CONNECTOR_RESTARTED = "ConnectorRestarted";

  /** maxRestarts consecutive restarts did not help; Twinlog stopped restarting. */
  public static final String RESTARTS_EXHAUSTED = "RestartsExhausted";

  /**
   * Connect reports the connector RUNNING but it delivered nothing, not even a heartbeat, for
   * restartPolicy.stallAfter while another source did; Twinlog restarts it with backoff.
   */
  public static final String STALLED = "Stalled";

  /**
   * Connect reports the source RUNNING, but it wrote no heartbeat for three heartbeat intervals
   * while another source did: its replica or binlog connection is down. Unhealthy at once;
   * restarted only if it stays silent for restartPolicy.stallAfter ({@link #STALLED}).
   */
  public static final String SOURCE_SILENT = "SourceSilent";

  /**
   * Event: the operator cannot read Connect's REST API, so connector health comes from Strimzi's
   * KafkaConnector status, which Strimzi refreshes only when it reconciles (2 minutes by default).
   */
  public static final String CONNECT_REST_UNREACHABLE = "ConnectRestUnreachable";

  /**
   * Event: the operator cannot read the pipeline's Kafka cluster (authentication refused, a topic
   * not authorized, the brokers unreachable), so it sees no heartbeat, anomaly or dead letter:
   * stall and silence detection are off until it reads again.
   */
  public static final String HEARTBEATS_UNREAD = "HeartbeatsUnread";

  /** The dedup runtime reported an anomaly of a kind this operator does not know by name. */
  public static final String DEDUP_ANOMALY = "DedupAnomaly";

  /**
   * Event: new records on a dead-letter topic (the dedup runtime's or the sink's): changes that did
   * not reach the ERP. The status' {@code deadLetters} say how many, when and why.
   */
  public static final String DEAD_LETTERED = "DeadLettered";

  /** Event: a Secret a connector reads changed, so it was restarted to read the new value. */
  public static final String SECRETS_ROTATED = "SecretsRotated";

  /**
   * The reason for a dedup anomaly kind: the kind in CamelCase ({@code source-skipped} becomes
   * {@code SourceSkipped}) for every kind of {@link DedupAnomalyRecord#KINDS}, else {@link
   * #DEDUP_ANOMALY}.
   */
  public static String forAnomalyKind(String kind) {
    if (!DedupAnomalyRecord.KINDS.contains(kind)) {
      return DEDUP_ANOMALY;
    }
    StringBuilder reason = new StringBuilder();
    for (String part : kind.split("-")) {
      reason.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return reason.toString();
  }

  /** The runbook of a reason: {@code docs/operations/runbooks/<reason in kebab-case>.md}. */
  public static String runbook(String reason) {
    return "docs/operations/runbooks/"
        + reason.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT)
        + ".md";
  }

  /** Every reason that has a runbook (a test checks each file exists). */
  public static java.util.List<String> withRunbook() {
    java.util.List<String> reasons =
        new java.util.ArrayList<>(
            java.util.List.of(
                INVALID_SPEC,
                SECRET_MISSING,
                NO_HEALTHY_SOURCE,
                CONNECTOR_FAILED,
                RESTARTS_EXHAUSTED,
                STALLED,
                SOURCE_SILENT,
                BINLOG_POSITION_PURGED,
                SCHEMA_HISTORY_MISSING,
                SCHEMA_HISTORY_MISMATCH,
                CONNECT_REST_UNREACHABLE,
                HEARTBEATS_UNREAD,
                DEAD_LETTERED,
                DEDUP_ANOMALY,
                SLOTS_LEFT_BEHIND));
    DedupAnomalyRecord.KINDS.forEach(k -> reasons.add(forAnomalyKind(k)));
    return java.util.List.copyOf(reasons);
  }

  /** Event: a deleted PostgreSQL pipeline's replication slot was dropped on a replica. */
  public static final String SLOT_DROPPED = "SlotDropped";

  /** Event: a slot could not be dropped yet (in use, replica unreachable); retried. */
  public static final String SLOT_DROP_PENDING = "SlotDropPending";

  /** Warning: the pipeline was deleted with slots left on a replica, which a human must drop. */
  public static final String SLOTS_LEFT_BEHIND = "SlotsLeftBehind";

  /** The binlog position the connector needs was purged (error 1236): restarting cannot help. */
  public static final String BINLOG_POSITION_PURGED = "BinlogPositionPurged";

  /** The connector's schema-history topic is missing: restarting cannot help. */
  public static final String SCHEMA_HISTORY_MISSING = "SchemaHistoryMissing";

  /** The schema history does not fit the binlog rows (DDL in between): restarting cannot help. */
  public static final String SCHEMA_HISTORY_MISMATCH = "SchemaHistoryMismatch";

  /** SinkReady=True. */
  public static final String CONNECTOR_RUNNING = "ConnectorRunning";

  /** SinkReady=True: the pipeline has no sink. */
  public static final String NOT_CONFIGURED = "NotConfigured";

  // DedupReady
  /** DedupReady=True. */
  public static final String INSTANCES_READY = "InstancesReady";

  // BinlogRetentionOk
  /** BinlogRetentionOk=Unknown: not measured yet. */
  public static final String NOT_CHECKED = "NotChecked";

  /** BinlogRetentionOk=True. */
  public static final String RETENTION_SUFFICIENT = "RetentionSufficient";

  /** BinlogRetentionOk=False: a replica keeps its binlog shorter than the minimum. */
  public static final String RETENTION_TOO_SHORT = "RetentionTooShort";

  /** BinlogRetentionOk=Unknown: the check could not reach a replica. */
  public static final String CHECK_FAILED = "CheckFailed";

  // WalRetentionOk (PostgreSQL); False takes the slot finding's reason (SlotLost, SlotAtRisk, ...)
  /** WalRetentionOk=True: every replica's slot keeps the WAL its connector needs. */
  public static final String WAL_RETAINED = "WalRetained";
}
