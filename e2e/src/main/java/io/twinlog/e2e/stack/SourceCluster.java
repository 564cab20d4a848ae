package io.twinlog.e2e.stack;

import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The database a pipeline reads, as its scenarios wait on it: the replicas a pipeline reads
 * (MariaDB replicas, or a PostgreSQL primary and standbys) have applied what the primary committed.
 */
public interface SourceCluster {

  /** Waits until every replica has applied everything the primary committed so far. */
  void awaitCaughtUp(Duration timeout);

  /** Waits until replica {@code i} (in the pipeline's order) has caught up. */
  void awaitCaughtUp(int i, Duration timeout);

  /**
   * Waits until every connector of {@code pipeline} has finished its initial snapshot, so that a
   * row committed from now on reaches each source as a streamed change, never as a snapshot row of
   * one source and a streamed change of another (each replica snapshots on its own: two copies with
   * two change ids). MariaDB's snapshots of the workload's empty tables end within a second of the
   * connector's start; nothing to wait for there.
   */
  default void awaitSnapshotsDone(CdcPipeline pipeline, Duration timeout) {}

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

  /** A PostgreSQL primary's streaming standbys, read in their order. */
  static SourceCluster of(PostgresCluster cluster) {
    return of(cluster, cluster.standbys());
  }

  /**
   * PostgreSQL servers of {@code cluster} in the pipeline's replica order (the primary, standbys).
   */
  static SourceCluster of(PostgresCluster cluster, List<PostgresServer> replicas) {
    return new SourceCluster() {
      @Override
      public void awaitCaughtUp(Duration timeout) {
        cluster.awaitStandbysCaughtUp(timeout);
      }

      @Override
      public void awaitCaughtUp(int i, Duration timeout) {
        PostgresServer server = replicas.get(i);
        if (server != cluster.primary()) {
          cluster.awaitStandbyCaughtUp(server, timeout);
        }
      }

      /**
       * Debezium streams from its slot ({@code active}) only after its snapshot; a slot on a
       * standby also waits for the primary's next running-xacts record, which an idle primary
       * writes every 15 s: ask for one meanwhile.
       */
      @Override
      public void awaitSnapshotsDone(CdcPipeline pipeline, Duration timeout) {
        var names = pipeline.getSpec().getSource().getReplicas();
        for (int i = 0; i < names.size(); i++) {
          PostgresServer server = replicas.get(i);
          String slot = ResourceNames.replicationSlot(pipeline, names.get(i).getName());
          Awaitility.await(slot + " streaming on " + server.name())
              .atMost(timeout)
              .pollInterval(Duration.ofMillis(250))
              .ignoreExceptions()
              .until(
                  () -> {
                    cluster.primary().execute("SELECT pg_log_standby_snapshot()");
                    return "t"
                        .equals(
                            server.queryString(
                                "SELECT active FROM pg_replication_slots WHERE slot_name = '"
                                    + slot
                                    + "'"));
                  });
        }
      }
    };
  }
}
