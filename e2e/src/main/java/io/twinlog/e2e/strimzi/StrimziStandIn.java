package io.twinlog.e2e.strimzi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.testkit.ConnectRest;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST CODE: the part of Strimzi's operators that Twinlog relies on (KafkaConnector and KafkaTopic
 * handling), against the mock API server. KafkaConnectors are reconciled when Strimzi's Cluster
 * Operator reconciles them: on each watch event of the resource and on the periodic full
 * reconciliation, every {@link #DEFAULT_FULL_RECONCILIATION_INTERVAL} (Strimzi's {@code
 * STRIMZI_FULL_RECONCILIATION_INTERVAL_MS} default) unless a scenario sets another interval; see
 * {@link ConnectorStandIn} for what one reconciliation does. KafkaTopics are polled every {@link
 * #TOPIC_PERIOD}, about as soon as Strimzi's Topic Operator acts on a watch event; see {@link
 * TopicStandIn}.
 */
public final class StrimziStandIn implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StrimziStandIn.class);

  /** Strimzi's default {@code STRIMZI_FULL_RECONCILIATION_INTERVAL_MS}: 120000. */
  public static final Duration DEFAULT_FULL_RECONCILIATION_INTERVAL = Duration.ofMillis(120_000);

  /** How often the topic stand-in looks at KafkaTopics. */
  public static final Duration TOPIC_PERIOD = Duration.ofMillis(400);

  private final KubernetesClient client;
  private final ConnectorStandIn connectors;
  private final TopicStandIn topics;
  private final ScheduledExecutorService timers;
  // One thread: Strimzi serialises the reconciliations of one Connect cluster's connectors under a
  // lock; there is one Connect cluster here.
  private final ExecutorService connectorWorker;
  private volatile Watch watch;
  private volatile boolean closed;
  private ScheduledFuture<?> fullReconciliation;
  private Duration fullReconciliationInterval;

  private StrimziStandIn(
      KubernetesClient client,
      ConnectorStandIn connectors,
      TopicStandIn topics,
      Duration fullReconciliationInterval) {
    this.client = client;
    this.connectors = connectors;
    this.topics = topics;
    this.fullReconciliationInterval = fullReconciliationInterval;
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("strimzi-stand-in-timer"));
    this.connectorWorker = Executors.newSingleThreadExecutor(daemon("strimzi-stand-in-connectors"));
  }

  /** Starts with Strimzi's default full reconciliation interval (120 s). */
  public static StrimziStandIn start(
      KubernetesClient client, ConnectRest connect, Admin admin, Clock clock) {
    return start(client, connect, admin, clock, DEFAULT_FULL_RECONCILIATION_INTERVAL);
  }

  /** Starts with the given full reconciliation interval. */
  public static StrimziStandIn start(
      KubernetesClient client,
      ConnectRest connect,
      Admin admin,
      Clock clock,
      Duration fullReconciliationInterval) {
    StrimziStandIn standIn =
        new StrimziStandIn(
            client,
            new ConnectorStandIn(client, connect, clock),
            new TopicStandIn(client, admin, clock),
            fullReconciliationInterval);
    standIn.connectors.onRelease(() -> standIn.submit(standIn.connectors::reconcileAll));
    standIn.timers.scheduleWithFixedDelay(
        standIn::topicPass, 0, TOPIC_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    standIn.watchConnectors();
    standIn.scheduleFullReconciliation();
    return standIn;
  }

  /** The KafkaConnector stand-in (restarts it performed, hold/release). */
  public ConnectorStandIn connectors() {
    return connectors;
  }

  /** The interval of the periodic full reconciliation now. */
  public synchronized Duration fullReconciliationInterval() {
    return fullReconciliationInterval;
  }

  /**
   * Sets the full reconciliation interval, for a scenario that says so; the next one runs one new
   * interval from now.
   */
  public synchronized void fullReconciliationInterval(Duration interval) {
    this.fullReconciliationInterval = interval;
    scheduleFullReconciliation();
  }

  private synchronized void scheduleFullReconciliation() {
    if (fullReconciliation != null) {
      fullReconciliation.cancel(false);
    }
    long ms = fullReconciliationInterval.toMillis();
    fullReconciliation =
        timers.scheduleAtFixedRate(
            () -> submit(connectors::fullReconciliation), ms, ms, TimeUnit.MILLISECONDS);
  }

  private void watchConnectors() {
    watch =
        client
            .resources(KafkaConnector.class)
            .inAnyNamespace()
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, KafkaConnector resource) {
                    switch (action) {
                      case ADDED, MODIFIED -> submit(() -> connectors.onEvent(false, resource));
                      case DELETED -> submit(() -> connectors.onEvent(true, resource));
                      default -> LOG.warn("KafkaConnector watch: {}", action);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    // Strimzi's ReconnectingWatcher opens a new watch when one closes.
                    if (!closed) {
                      LOG.info(
                          "KafkaConnector watch closed ({}), watching again", cause.toString());
                      watchConnectors();
                    }
                  }
                });
  }

  private void submit(Runnable work) {
    try {
      connectorWorker.execute(
          () -> {
            try {
              work.run();
            } catch (RuntimeException e) {
              // Strimzi logs a failed reconciliation; the next event or timer tries again.
              LOG.warn("Strimzi stand-in connector reconciliation failed: {}", e.toString());
            }
          });
    } catch (RejectedExecutionException closing) {
      // closed
    }
  }

  private void topicPass() {
    try {
      topics.pass();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("Strimzi topic stand-in pass failed: {}", e.toString());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    closed = true;
    if (watch != null) {
      watch.close();
    }
    timers.shutdownNow();
    connectorWorker.shutdownNow();
    try {
      timers.awaitTermination(10, TimeUnit.SECONDS);
      connectorWorker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
