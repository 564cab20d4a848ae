package io.twinlog.operator.observe;

import io.twinlog.contracts.OperatorEnv;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the status of the connectors Twinlog owns straight from each Connect cluster's REST API,
 * off the reconcile thread, because Strimzi copies it into {@code KafkaConnector.status} only when
 * it reconciles (on changes to the resource, and every 2 minutes by default): a task that fails
 * between two of those would wait up to 2 minutes for its restart. One {@link ConnectClusterPoller}
 * per Connect REST base URL, shared by every pipeline on that cluster.
 *
 * <p>Pipelines register what they want with {@link #watch} on each reconciliation (idempotent) and
 * read {@link #reading}; the listener hears the owner of a connector whose state changed or that is
 * failed, and every owner of a cluster that became reachable or unreachable. Restarts still go
 * through Strimzi's annotations: this class only reads.
 */
public final class ConnectStatusWatcher implements AutoCloseable {

  /** Default time between two sweeps of one Connect cluster (jittered by +-20%). */
  public static final Duration DEFAULT_INTERVAL =
      Duration.ofMillis(OperatorEnv.DEFAULT_CONNECT_POLL_INTERVAL_MS);

  /** Default most status requests in flight per Connect cluster. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;

  private final Clock clock;
  private final Duration interval;
  private final int maxInFlight;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  // owner (a pipeline) -> base URL -> connectors; guarded by this.
  private final Map<String, Map<String, Set<String>>> wanted = new HashMap<>();
  private final Map<String, ConnectClusterPoller> pollers = new HashMap<>();
  private volatile Consumer<String> listener = owner -> {};
  private boolean closed;

  /**
   * A watcher.
   *
   * @param clock stamps each reading (the operator's clock, so readings compare with restarts)
   * @param interval time between two sweeps of one cluster
   * @param maxInFlight most requests in flight per cluster
   */
  public ConnectStatusWatcher(Clock clock, Duration interval, int maxInFlight) {
    this.clock = clock;
    this.interval = interval;
    this.maxInFlight = maxInFlight;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "twinlog-connect-status");
              t.setDaemon(true);
              return t;
            });
  }

  /** Who hears changes: called with the owner, off the reconcile thread. */
  public void onChange(Consumer<String> listener) {
    this.listener = listener;
  }

  /** The time between two sweeps of one cluster. */
  public Duration interval() {
    return interval;
  }

  /** Sets what one owner watches on one Connect cluster, replacing what it watched before. */
  public synchronized void watch(String owner, String baseUrl, Collection<String> connectors) {
    if (closed) {
      return;
    }
    Map<String, Set<String>> mine = Map.of(baseUrl, Set.copyOf(connectors));
    if (mine.equals(wanted.get(owner))) {
      return;
    }
    wanted.put(owner, mine);
    refresh();
  }

  /** Stops watching what an owner watched. */
  public synchronized void forget(String owner) {
    if (wanted.remove(owner) != null) {
      refresh();
    }
  }

  /** The last answer of Connect about a connector, if any. */
  public Optional<ConnectReading> reading(String baseUrl, String connector) {
    ConnectClusterPoller poller;
    synchronized (this) {
      poller = pollers.get(baseUrl);
    }
    return poller == null ? Optional.empty() : poller.reading(connector);
  }

  /** Why the last request to that cluster failed, or empty when its last answer came back. */
  public Optional<String> lastError(String baseUrl) {
    ConnectClusterPoller poller;
    synchronized (this) {
      poller = pollers.get(baseUrl);
    }
    return poller == null ? Optional.empty() : Optional.ofNullable(poller.lastError());
  }

  private void refresh() {
    Map<String, Set<String>> byCluster = new HashMap<>();
    wanted
        .values()
        .forEach(
            m -> m.forEach((b, c) -> byCluster.computeIfAbsent(b, k -> new HashSet<>()).addAll(c)));
    pollers
        .entrySet()
        .removeIf(
            e -> {
              if (!byCluster.containsKey(e.getKey())) {
                e.getValue().close();
                return true;
              }
              return false;
            });
    byCluster.forEach(
        (baseUrl, connectors) -> {
          ConnectClusterPoller poller = pollers.get(baseUrl);
          if (poller == null) {
            poller =
                new ConnectClusterPoller(
                    baseUrl, http, scheduler, clock, interval, maxInFlight, this::changed);
            pollers.put(baseUrl, poller);
            poller.want(connectors);
            poller.start();
          } else {
            poller.want(connectors);
          }
        });
  }

  private void changed(String baseUrl, ConnectClusterPoller.Change change) {
    List<String> owners;
    synchronized (this) {
      owners =
          wanted.entrySet().stream()
              .filter(
                  e -> {
                    Set<String> connectors = e.getValue().get(baseUrl);
                    return connectors != null
                        && (change.connector() == null || connectors.contains(change.connector()));
                  })
              .map(Map.Entry::getKey)
              .toList();
    }
    owners.forEach(listener);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      pollers.values().forEach(ConnectClusterPoller::close);
      pollers.clear();
      wanted.clear();
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
  }
}
