package io.twinlog.operator.source;

/**
 * Why a source check found a problem; each has a runbook at {@code
 * docs/operations/runbooks/source-<kebab-case>.md}.
 */
public enum FindingReason {
  /** Nothing wrong (the result's reason when it has no error or warning). */
  OK("Ok", false),
  /** TCP connection refused or no route: the server is down or the port is wrong. */
  UNREACHABLE("SourceUnreachable", false),
  /** The host name does not resolve. */
  DNS_FAILURE("SourceDnsFailure", false),
  /** The server rejected the user or password. */
  AUTHENTICATION_FAILED("SourceAuthenticationFailed", false),
  /** The user lacks privileges Debezium needs. */
  MISSING_GRANTS("SourceMissingGrants", false),
  /** Connecting or reading took longer than the timeout. */
  TIMEOUT("SourceTimeout", false),
  /** The server accepts the user only over TLS, and {@code spec.source.tls} does not ask for it. */
  TLS_REQUIRED("SourceTlsRequired", false),
  /** The TLS handshake failed: an untrusted or misnamed certificate, or no TLS on the server. */
  TLS_FAILED("SourceTlsFailed", false),
  /** {@code log_bin} is OFF: there is no binlog to read. */
  BINLOG_DISABLED("BinlogDisabled", false),
  /** {@code binlog_format} is not ROW. */
  BINLOG_FORMAT_NOT_ROW("BinlogFormatNotRow", false),
  /** {@code binlog_row_image} is not FULL. */
  BINLOG_ROW_IMAGE_NOT_FULL("BinlogRowImageNotFull", false),
  /** {@code log_slave_updates} / {@code log_replica_updates} is OFF on a replica. */
  REPLICA_UPDATES_NOT_LOGGED("ReplicaUpdatesNotLogged", false),
  /** MariaDB {@code gtid_strict_mode} is OFF. */
  GTID_NOT_STRICT("GtidNotStrict", false),
  /** MySQL {@code gtid_mode} or {@code enforce_gtid_consistency} is not ON. */
  GTID_MODE_OFF("GtidModeOff", false),
  /** The replica's {@code server_id} equals a connector's {@code database.server.id}. */
  SERVER_ID_CONFLICT("ServerIdConflict", false),
  /** Binlogs expire sooner than the spec's minimum retention. */
  RETENTION_TOO_SHORT("RetentionTooShort", true),
  /** A binlog size limit may purge binlogs before the retention time. */
  RETENTION_SIZE_LIMITED("RetentionSizeLimited", true),
  /** The retention variables could not be read. */
  RETENTION_UNKNOWN("RetentionUnknown", true),
  /** Twinlog raised the retention itself ({@code enforce: true}). */
  RETENTION_RAISED("RetentionRaised", true),
  /** PostgreSQL older than 16, which cannot decode on standbys. */
  POSTGRES_VERSION_UNSUPPORTED("PostgresVersionUnsupported", false),
  /** PostgreSQL {@code wal_level} is not {@code logical}: the WAL has nothing to decode. */
  WAL_LEVEL_NOT_LOGICAL("WalLevelNotLogical", false),
  /** The PostgreSQL CDC user has neither REPLICATION nor SUPERUSER. */
  NO_REPLICATION_ATTRIBUTE("NoReplicationAttribute", false),
  /** No free replication slot or WAL sender for the connector. */
  REPLICATION_SLOTS_EXHAUSTED("ReplicationSlotsExhausted", false),
  /** The publication the connector reads does not exist. */
  PUBLICATION_MISSING("PublicationMissing", false),
  /** The publication lacks some of the captured tables. */
  PUBLICATION_MISSES_TABLES("PublicationMissesTables", false),
  /** A captured table does not exist in the captured database. */
  CAPTURED_TABLE_MISSING("CapturedTableMissing", false),
  /** A captured table's updates and deletes carry no key (no primary key, identity DEFAULT). */
  REPLICA_IDENTITY_MISSING("ReplicaIdentityMissing", false),
  /** A standby without {@code hot_standby_feedback}: vacuum removes what its slot needs. */
  HOT_STANDBY_FEEDBACK_OFF("HotStandbyFeedbackOff", true),
  /** A standby streaming without {@code primary_slot_name}: feedback lapses on disconnect. */
  STANDBY_WITHOUT_PRIMARY_SLOT("StandbyWithoutPrimarySlot", true),
  /** The pipeline's slot was invalidated ({@code wal_status = 'lost'}): no resume from it. */
  SLOT_LOST("SlotLost", true),
  /** The slot may be invalidated soon ({@code unreserved}, or little {@code safe_wal_size}). */
  SLOT_AT_RISK("SlotAtRisk", true),
  /** The slot does not exist yet: the connector creates it when it first starts. */
  SLOT_MISSING("SlotMissing", true),
  /**
   * The operator could not write its WAL heartbeat on the PostgreSQL primary (none found, or the
   * write failed): the slots of replicas whose captured tables are idle stop advancing.
   */
  WAL_HEARTBEAT_FAILED("WalHeartbeatFailed", true),
  /** The check failed in a way none of the other reasons describe. */
  CHECK_FAILED("SourceCheckFailed", false);

  private final String conditionReason;
  private final boolean retention;

  FindingReason(String conditionReason, boolean retention) {
    this.conditionReason = conditionReason;
    this.retention = retention;
  }

  /** The CamelCase reason for Kubernetes conditions, events and {@code status.sources[].reason}. */
  public String conditionReason() {
    return conditionReason;
  }

  /**
   * True when the finding belongs to {@code BinlogRetentionOk}, false for {@code SourcesHealthy}.
   * For PostgreSQL the slot findings take the place of binlog retention: both say whether a
   * connector can resume from where it stopped.
   */
  public boolean isRetention() {
    return retention;
  }

  /** Relative path of the runbook page, e.g. {@code docs/operations/runbooks/source-timeout.md}. */
  public String runbook() {
    String kebab = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    return "docs/operations/runbooks/source-" + kebab + ".md";
  }
}
