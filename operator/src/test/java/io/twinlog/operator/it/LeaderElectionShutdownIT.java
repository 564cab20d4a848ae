package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.observe.ConnectStatusWatcher;
import io.twinlog.operator.reconciler.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shutting down a leader, as a pod's SIGTERM does: {@code close()} returns (no {@code System.exit}
 * from the lease callback, which inside a shutdown hook would hang the JVM until SIGKILL) and the
 * lease is handed over at once, so the next leader does not wait out the lease duration.
 */
class LeaderElectionShutdownIT {
  private static final String NAMESPACE = "twinlog-system";
  private static final String LEASE = "twinlog-leader";

  private final MockCluster cluster = MockCluster.start();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void closingTheLeaderReturnsAndReleasesTheLease() throws Exception {
    KubernetesClient client = cluster.client();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    cluster.grantLeases(NAMESPACE);
    OperatorSettings settings =
        new OperatorSettings(
            Set.of(),
            true,
            LEASE,
            NAMESPACE,
            "twinlog-0",
            null,
            null,
            null,
            -1,
            null,
            ConnectStatusWatcher.DEFAULT_INTERVAL);
    // exactly as main() runs it: the JVM ends when the lease is lost while running
    TwinlogOperator operator = TwinlogOperator.start(client, Clock.systemUTC(), settings, true);
    await().atMost(Duration.ofSeconds(30)).until(() -> "twinlog-0".equals(holder(client)));

    CompletableFuture<Void> closed = CompletableFuture.runAsync(operator::close);
    closed.get(20, TimeUnit.SECONDS); // before the fix the JVM exited here

    Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    assertThat(lease.getSpec().getHolderIdentity()).isEmpty();
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
  }

  private static String holder(KubernetesClient client) {
    Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
