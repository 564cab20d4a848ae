package io.twinlog.e2e.strimzi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.testkit.ConnectRest;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST CODE: the part of Strimzi's operators that Twinlog relies on (KafkaConnector and KafkaTopic
 * handling), run as one background loop against the mock API server; see {@link ConnectorStandIn}
 * and {@link TopicStandIn} for what each does and how it differs from Strimzi.
 */
public final class StrimziStandIn implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StrimziStandIn.class);

  /** How often both stand-ins look at the API server and Connect. */
  public static final Duration PERIOD = Duration.ofMillis(400);

  private final ConnectorStandIn connectors;
  private final TopicStandIn topics;
  private final ScheduledExecutorService loop;

  private StrimziStandIn(ConnectorStandIn connectors, TopicStandIn topics) {
    this.connectors = connectors;
    this.topics = topics;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "strimzi-stand-in");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the loop. */
  public static StrimziStandIn start(
      KubernetesClient client, ConnectRest connect, Admin admin, Clock clock) {
    StrimziStandIn standIn =
        new StrimziStandIn(
            new ConnectorStandIn(client, connect, clock), new TopicStandIn(client, admin, clock));
    standIn.loop.scheduleWithFixedDelay(standIn::pass, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return standIn;
  }

  /** The KafkaConnector stand-in (restarts it performed). */
  public ConnectorStandIn connectors() {
    return connectors;
  }

  private void pass() {
    try {
      topics.pass();
      connectors.pass();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The next pass tries again, as Strimzi's next reconciliation would.
      LOG.warn("Strimzi stand-in pass failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
