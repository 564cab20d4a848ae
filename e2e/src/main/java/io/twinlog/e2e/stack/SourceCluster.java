package io.twinlog.e2e.stack;

import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.PostgresCluster;
import java.time.Duration;

/**
 * The database a pipeline reads, as its scenarios wait on it: the replicas a pipeline reads
 * (MariaDB replicas, or PostgreSQL standbys) have applied what the primary committed.
 */
public interface SourceCluster {

  /** Waits until every replica has applied everything the primary committed so far. */
  void awaitCaughtUp(Duration timeout);

  /** Waits until replica {@code i} (in the pipeline's order) has caught up. */
  void awaitCaughtUp(int i, Duration timeout);

  /** A MariaDB primary's replicas. */
  static SourceCluster of(MariaDbCluster cluster) {
    return new SourceCluster() {
      @Override
      public void awaitCaughtUp(Duration timeout) {
        cluster.awaitReplicasCaughtUp(timeout);
      }

      @Override
      public void awaitCaughtUp(int i, Duration timeout) {
        cluster.awaitReplicaCaughtUp(cluster.replica(i), timeout);
      }
    };
  }

  /** A PostgreSQL primary's streaming standbys. */
  static SourceCluster of(PostgresCluster cluster) {
    return new SourceCluster() {
      @Override
      public void awaitCaughtUp(Duration timeout) {
        cluster.awaitStandbysCaughtUp(timeout);
      }

      @Override
      public void awaitCaughtUp(int i, Duration timeout) {
        cluster.awaitStandbyCaughtUp(cluster.standby(i), timeout);
      }
    };
  }
}
