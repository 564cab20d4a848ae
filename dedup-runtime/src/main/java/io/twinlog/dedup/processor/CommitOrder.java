package io.twinlog.dedup.processor;

import io.twinlog.dedup.serde.StateValues.PositionMark;

/**
 * How two exactly positioned changes compare in commit order (see {@link
 * io.twinlog.dedup.serde.ExactPosition}). Within one history (one MariaDB primary's binlog) the
 * position is commit order, whatever the commit times say (MariaDB's {@code ts_ms} is the
 * statement's start, in whole seconds). Across histories, and for PostgreSQL, whose positions do
 * not name their timeline, commit time orders; the position breaks a tie within one domain.
 */
final class CommitOrder {
  private CommitOrder() {}

  /** Whether {@code a} comes before {@code b} in their key's commit order. */
  static boolean before(PositionMark a, PositionMark b) {
    if (sameHistory(a, b)) {
      return position(a, b) < 0;
    }
    return a.tsMs() < b.tsMs()
        || (a.tsMs() == b.tsMs() && a.domain().equals(b.domain()) && position(a, b) < 0);
  }

  /**
   * Whether a source whose newest delivered change of a table-partition is {@code newest} has read
   * past {@code p}: its table topic is in commit order, so it skipped {@code p} if nobody had
   * delivered it. Across histories only commit time tells, without a tie-break: PostgreSQL's
   * concurrent transactions interleave their positions within one commit millisecond.
   */
  static boolean passed(PositionMark newest, PositionMark p) {
    if (newest == null) {
      return false;
    }
    return sameHistory(p, newest) ? position(p, newest) < 0 : p.tsMs() < newest.tsMs();
  }

  /**
   * Whether two changes of one key disagree on order by position and by commit time: histories that
   * diverged at a failover (the promoted replica reuses the old primary's lost positions).
   */
  static boolean diverged(PositionMark a, PositionMark b) {
    return !sameHistory(a, b)
        && a.domain().equals(b.domain())
        && a.tsMs() != b.tsMs()
        && (a.tsMs() < b.tsMs()) != (position(a, b) < 0);
  }

  private static boolean sameHistory(PositionMark a, PositionMark b) {
    return !a.history().isEmpty() && a.history().equals(b.history());
  }

  private static int position(PositionMark a, PositionMark b) {
    int major = Long.compare(a.major(), b.major());
    return major != 0 ? major : Long.compare(a.minor(), b.minor());
  }
}
