package io.twinlog.e2e.stack;

import io.twinlog.e2e.strimzi.ConnectorStandIn.RestartDone;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.MariaDbServer;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;

/** Faults the scenarios and the benchmark inject, with the instants they need for their figures. */
public final class Faults {
  private Faults() {}

  /**
   * Fails source {@code i}'s task the way it fails on real replicas: its replica goes down and the
   * task is restarted (as a rebalance or a worker restart would), so it fails while starting and
   * Connect never retries it. Returns when Connect reports FAILED, with that instant.
   */
  public static Instant failSourceTask(E2eStack stack, PipelineRun run, int i, Duration timeout) {
    MariaDbServer replica = stack.mariadb().replica(i);
    String connector = run.sourceConnector(i);
    ConnectRest connect = stack.connect().rest();
    replica.kill();
    connect.restartTask(connector, 0);
    Awaitility.await(connector + " task FAILED")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> connect.status(connector).anyFailed());
    return Instant.now();
  }

  /** Waits for the first restart of {@code connector} performed after {@code after}. */
  public static Instant awaitRestart(
      E2eStack stack, String connector, Instant after, Duration timeout) {
    Awaitility.await("a restart of " + connector + " requested by the operator")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> firstRestart(stack, connector, after) != null);
    return firstRestart(stack, connector, after).at();
  }

  private static RestartDone firstRestart(E2eStack stack, String connector, Instant after) {
    return stack.strimzi().connectors().restarts().stream()
        .filter(r -> r.connector().equals(connector) && r.at().isAfter(after))
        .findFirst()
        .orElse(null);
  }
}
