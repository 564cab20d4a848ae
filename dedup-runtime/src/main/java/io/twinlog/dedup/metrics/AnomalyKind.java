package io.twinlog.dedup.metrics;

/** Source behaviour that could cost loss or order if it went unnoticed (invariant I5). */
public enum AnomalyKind {
  /**
   * A source stepped over changes another source delivered: re-seeded ahead, or it stopped inside a
   * transaction and went on after it. Alone it would have lost them.
   */
  SOURCE_SKIPPED("source-skipped"),
  /**
   * Two sources hold different histories: two transactions under one GTID domain and sequence
   * number (a failover to a replica that lacked the old primary's last transactions), or different
   * content at the same place of one transaction.
   */
  SOURCE_DIVERGED("source-diverged"),
  /**
   * A source resumed inside a transaction and what it re-sent fits more than one place of what the
   * output holds: its events are held until another source tells which, or decided alone after the
   * hold time.
   */
  RESUME_UNALIGNED("resume-unaligned"),
  /**
   * A change arrived after a later change of its key was emitted (the only source holding it was
   * behind while another skipped it): dead-lettered, not emitted, so it never overwrites newer
   * state.
   */
  KEY_ORDER_CONFLICT("key-order-conflict"),
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
  /**
   * A second source sent snapshot rows for keys another source already snapshotted. No longer
   * reported (every replica snapshots on its own, so it is counted as a dropped duplicate); kept so
   * records of earlier runtimes still read.
   */
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
