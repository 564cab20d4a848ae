package io.twinlog.operator.status;

/** The condition types of a CdcPipeline's status. */
public final class ConditionTypes {
  private ConditionTypes() {}

  /** False with a reason whenever the pipeline is not delivering changes end to end. */
  public static final String READY = "Ready";

  /** Every source connector runs; False names the worst source problem. */
  public static final String SOURCES_HEALTHY = "SourcesHealthy";

  /** Every dedup instance is ready. */
  public static final String DEDUP_READY = "DedupReady";

  /** The ERP sink connector runs (True with NotConfigured when there is no sink). */
  public static final String SINK_READY = "SinkReady";

  /**
   * kstatus' abnormal-true condition: True while the pipeline is coming up (connectors or dedup
   * instances starting). See {@link Kstatus}.
   */
  public static final String RECONCILING = "Reconciling";

  /**
   * kstatus' abnormal-true condition: True while the pipeline cannot deliver and waiting will not
   * fix it (invalid spec, failed apply, failing connectors). See {@link Kstatus}.
   */
  public static final String STALLED = "Stalled";

  /** Every replica keeps its binlog at least {@code spec.source.binlogRetention.minimum}. */
  public static final String BINLOG_RETENTION_OK = "BinlogRetentionOk";

  /**
   * PostgreSQL's counterpart of {@link #BINLOG_RETENTION_OK}: every replica's logical slot keeps
   * the WAL its connector needs to resume (not lost, not about to be).
   */
  public static final String WAL_RETENTION_OK = "WalRetentionOk";
}
