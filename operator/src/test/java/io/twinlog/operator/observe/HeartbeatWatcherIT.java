package io.twinlog.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.twinlog.operator.health.StallDetector;
import io.twinlog.operator.health.StallDetector.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stall signal on real parts: two Debezium MariaDB connectors rendered by the operator write
 * heartbeats; killing one replica's {@code mariadbd} stops that source's heartbeats while Connect
 * still reports its task RUNNING, and the watcher plus {@link StallDetector} name it.
 */
class HeartbeatWatcherIT {
  // Heartbeats every 2 s (stallAfter / 4); server heartbeats every 4 s (0.8 x keep-alive 5 s).
  private static final String STALL_AFTER = "8s";

  private static RealSources sources;
  private static HeartbeatWatcher watcher;

  @BeforeAll
  static void start() {
    sources = RealSources.start(2, STALL_AFTER);
    sources.startConnector(0);
    sources.startConnector(1);
    watcher = new HeartbeatWatcher(Map.of(), 4, Duration.ofMillis(200));
  }

  @AfterAll
  static void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (sources != null) {
      sources.close();
    }
  }

  private Optional<Instant> seen(int replica) {
    return watcher.lastSeen(sources.kafka().bootstrapServers(), sources.topicPrefix(replica));
  }

  private Instant awaitHeartbeatAfter(int replica, Instant after) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> seen(replica).orElse(Instant.EPOCH), t -> t.isAfter(after));
  }

  @Test
  void heartbeatsOfAKilledReplicaStopWhileConnectSaysRunningAndTheSiblingKeepsBeating() {
    String bootstrap = sources.kafka().bootstrapServers();
    watcher.watch(
        "shop/orders", bootstrap, List.of(sources.topicPrefix(0), sources.topicPrefix(1)));
    watcher.watch("shop/other", bootstrap, List.of(sources.topicPrefix(0)));
    assertThat(watcher.clusters()).as("one reader per Kafka cluster").containsExactly(bootstrap);

    // Both sources beat on the topic the operator expects (__debezium-heartbeat.<topic.prefix>),
    // on a database nobody writes to.
    Instant a0 = awaitHeartbeatAfter(0, Instant.EPOCH);
    Instant b0 = awaitHeartbeatAfter(1, Instant.EPOCH);
    awaitHeartbeatAfter(0, a0);
    awaitHeartbeatAfter(1, b0);

    sources.db().replica(1).kill();
    Instant killed = Instant.now();

    // The sibling beats on; once it beat twice more, whatever B had in flight has arrived.
    Instant a1 = awaitHeartbeatAfter(0, killed);
    awaitHeartbeatAfter(0, a1);
    Instant bLast = seen(1).orElseThrow();

    StallDetector detector = new StallDetector(Duration.ofSeconds(8));
    Instant aLatest =
        await()
            .atMost(Duration.ofSeconds(40))
            .until(
                () -> seen(0).orElseThrow(),
                a -> Duration.between(bLast, a).compareTo(Duration.ofSeconds(9)) > 0);

    assertThat(seen(1)).as("no heartbeat from the killed replica's source").contains(bLast);
    assertThat(sources.rest().status(sources.connectorName(1)).isRunning())
        .as("Connect cannot tell: the killed replica's task is still RUNNING")
        .isTrue();
    List<StallDetector.Stall> stalls =
        detector.stalled(
            List.of(
                new Progress(sources.replicaName(0), aLatest),
                new Progress(sources.replicaName(1), bLast)),
            aLatest);
    assertThat(stalls)
        .containsExactly(
            new StallDetector.Stall(
                sources.replicaName(1), bLast, sources.replicaName(0), aLatest));

    watcher.forget("shop/orders");
    watcher.forget("shop/other");
    assertThat(watcher.clusters()).as("the reader stops with its last pipeline").isEmpty();
    assertThat(seen(0)).isEmpty();
  }
}
