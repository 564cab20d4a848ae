package io.twinlog.operator.health;

/** What a connector failure means for the operator: restart it, or report what a human must do. */
public enum FailureKind {
  /** Transient (database down, network, rebalance): a restart with backoff may fix it. */
  RESTARTABLE(
      "ConnectorFailed",
      true,
      "Twinlog restarts it with exponential backoff (spec.restartPolicy)."),
  /**
   * Connect reports the task RUNNING but it delivered nothing, not even a heartbeat, for {@code
   * restartPolicy.stallAfter} while another source did (a dead replica the binlog client has not
   * given up on): restarted with the same backoff as a failure.
   */
  STALLED(
      "Stalled",
      true,
      "Twinlog restarts its task with exponential backoff (spec.restartPolicy); if it stays"
          + " silent, check that the replica runs and replicates (see the runbook stalled)."),
  /**
   * The binlog position the connector needs is gone from the replica (MariaDB/MySQL error 1236 or
   * Debezium's start-up check): restarting reads the same missing position again.
   */
  BINLOG_POSITION_PURGED(
      "BinlogPositionPurged",
      false,
      "The replica no longer has the binlog position this connector must resume from; restarting"
          + " cannot fix it. Re-seed the connector from a healthy source's offset (see the runbook"
          + " binlog-position-purged) or delete its offsets to take a new snapshot; raise"
          + " binlog retention on the replica."),
  /**
   * PostgreSQL invalidated the connector's replication slot (it fell behind by more than {@code
   * max_slot_wal_keep_size}, or a standby's recovery conflict): the WAL it must resume from is
   * gone, and every restart asks the slot for it again.
   */
  SLOT_LOST(
      "SlotLost",
      false,
      "PostgreSQL invalidated this connector's replication slot; restarting cannot fix it. The"
          + " other replicas deliver meanwhile; drop the slot and start the connector again (see"
          + " the runbook source-slot-lost)."),
  /**
   * The connector fails and the source check finds that the replica accepts the user only over TLS,
   * which {@code spec.source.tls} does not ask for: every restart is refused the same way.
   */
  TLS_REQUIRED(
      "SourceTlsRequired",
      false,
      "The replica accepts the user only over TLS; restarting cannot fix it. Set"
          + " spec.source.tls (see the runbook source-tls-required); a changed spec restarts the"
          + " connector."),
  /**
   * The connector fails and the source check, with the same {@code spec.source.tls}, cannot
   * complete the TLS handshake (an untrusted or misnamed certificate, a server without TLS).
   */
  TLS_FAILED(
      "SourceTlsFailed",
      false,
      "The TLS handshake with the replica fails; restarting cannot fix it. Check spec.source.tls"
          + " and its CA Secret (see the runbook source-tls-failed); a changed spec or a renewed"
          + " Secret restarts the connector."),
  /**
   * The schema history does not fit the binlog rows: a table changed between the schema Debezium
   * recorded (a recovery records the current one) and the rows it reads. Restarting reads the same
   * rows with the same history (docs/concepts/consistent-start-facts.md).
   */
  SCHEMA_HISTORY_MISMATCH(
      "SchemaHistoryMismatch",
      false,
      "The connector's schema history does not match the rows in the binlog (DDL ran between the"
          + " position it recorded its schema at and the rows it reads); restarting cannot fix"
          + " it. Re-seed it from a healthy source (see the runbook schema-history-mismatch)."),
  /** The schema-history topic is gone while offsets exist: Debezium refuses to start. */
  SCHEMA_HISTORY_MISSING(
      "SchemaHistoryMissing",
      false,
      "The connector's schema-history topic is missing or incomplete; restarting cannot fix it."
          + " Recover it with snapshot.mode=recovery (see the runbook schema-history-missing).");

  private final String reason;
  private final boolean restartable;
  private final String action;

  FailureKind(String reason, boolean restartable, String action) {
    this.reason = reason;
    this.restartable = restartable;
    this.action = action;
  }

  /** The CamelCase condition reason for this kind of failure. */
  public String reason() {
    return reason;
  }

  /** Whether restarting the connector or task can fix this failure. */
  public boolean restartable() {
    return restartable;
  }

  /** What the operator (or the human operating it) does about it, for condition messages. */
  public String action() {
    return action;
  }
}
