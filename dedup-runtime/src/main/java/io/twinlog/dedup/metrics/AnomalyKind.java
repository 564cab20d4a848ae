package io.twinlog.dedup.metrics;

/** Source behaviour that could cost loss or order if it went unnoticed (invariant I5). */
public enum AnomalyKind {
  /** A source's stream jumped over changes already emitted that it never delivered. */
  SOURCE_SKIPPED("source-skipped"),
  /**
   * A source's binlog position went backwards to changes never emitted (binlog reset, rebuilt
   * replica).
   */
  POSITION_REGRESSED("position-regressed"),
  /** Sequence numbers in a GTID domain went backwards within one source (no strict mode). */
  GTID_NOT_MONOTONIC("gtid-not-monotonic"),
  /** A change without GTID arrived after its twin may have left the window. */
  BEYOND_WINDOW("beyond-window"),
  /** A source's commit time fell behind the leading source by more than the window. */
  LAG_BEYOND_WINDOW("lag-beyond-window"),
  /** A second source sent snapshot rows for keys another source already snapshotted. */
  SECOND_SNAPSHOT("second-snapshot"),
  /** A source delivered a change older than the snapshot already emitted for its key. */
  OLDER_THAN_SNAPSHOT("older-than-snapshot");

  private final String label;

  AnomalyKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
