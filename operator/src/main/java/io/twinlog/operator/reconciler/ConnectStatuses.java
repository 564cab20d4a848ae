package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.twinlog.operator.observe.ConnectReading;
import io.twinlog.operator.observe.ConnectStatusWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Connects the {@link ConnectStatusWatcher} (Connect's REST API, read off the reconcile thread) to
 * reconciliations: registers an owner's connectors, turns a change it hears into a reconciliation
 * of the owner, and hands over the fresh readings. One per controller: the owner is a pipeline or a
 * webhook.
 */
final class ConnectStatuses<P extends HasMetadata> implements AutoCloseable {

  /**
   * What Connect's REST API said about one pipeline's connectors.
   *
   * @param url the Connect REST base URL
   * @param readings fresh readings by connector name (absent: none, or too old)
   * @param unreachable why the REST API could not be read, when a connector has no fresh reading
   *     because of it; null otherwise
   */
  record Seen(String url, Map<String, ConnectReading> readings, String unreachable) {

    /** The fresh reading of a connector, or null (then Strimzi's status is all there is). */
    ConnectReading of(String connector) {
      return readings.get(connector);
    }
  }

  private final ConnectStatusWatcher watcher;
  private final Function<P, String> url;
  private final SimpleInboundEventSource<P> changes =
      new SimpleInboundEventSource<>("connect-status");

  /**
   * @param url the Connect REST base URL of an owner's Connect cluster
   */
  ConnectStatuses(ConnectStatusWatcher watcher, Function<P, String> url) {
    this.watcher = watcher;
    this.url = url;
    watcher.onChange(owner -> changes.propagateEvent(OwnerKeys.resourceId(owner)));
  }

  /** The event source through which Connect status changes trigger reconciliations. */
  SimpleInboundEventSource<P> eventSource() {
    return changes;
  }

  /**
   * A reading older than this is not trusted (three sweeps, at least 15 s): the cluster stopped
   * answering for that connector, and Strimzi's status is used instead.
   */
  Duration staleAfter() {
    Duration three = watcher.interval().multipliedBy(3);
    return three.compareTo(Duration.ofSeconds(15)) < 0 ? Duration.ofSeconds(15) : three;
  }

  /** Registers the owner's connectors (idempotent) and returns what is known of them. */
  Seen observe(P owner, Collection<String> connectors, Instant now) {
    String url = this.url.apply(owner);
    watcher.watch(OwnerKeys.of(owner), url, connectors);
    Map<String, ConnectReading> fresh = new HashMap<>();
    boolean missing = false;
    for (String connector : connectors) {
      ConnectReading reading = watcher.reading(url, connector).orElse(null);
      if (reading != null && !reading.at().plus(staleAfter()).isBefore(now)) {
        fresh.put(connector, reading);
      } else {
        missing = true;
      }
    }
    String error = missing ? watcher.lastError(url).orElse(null) : null;
    return new Seen(url, Map.copyOf(fresh), error);
  }

  /** Stops watching a deleted owner's connectors. */
  void forget(P owner) {
    watcher.forget(OwnerKeys.of(owner));
  }

  @Override
  public void close() {
    watcher.close();
  }
}
