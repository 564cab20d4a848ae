package io.twinlog.operator.observe;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * One Connect cluster's status poller: every sweep (the interval with +-20% jitter, so many
 * operators and clusters do not beat in step) it asks {@code GET /connectors/NAME/status} for each
 * wanted connector, at most {@code maxInFlight} requests at a time, asynchronously (no thread waits
 * on the network). It keeps the last answer per connector and the last transport error.
 */
final class ConnectClusterPoller {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final String key;
  private final String baseUrl;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Duration interval;
  private final int maxInFlight;
  private final BiConsumer<String, Change> onChange;
  private final Map<String, ConnectReading> readings = new ConcurrentHashMap<>();
  private volatile Set<String> wanted = Set.of();
  private volatile String lastError;
  private volatile boolean closed;

  /** What changed: one connector's summary, or the cluster's reachability (connector null). */
  record Change(String connector) {}

  ConnectClusterPoller(
      String baseUrl,
      HttpClient http,
      ScheduledExecutorService scheduler,
      Clock clock,
      Duration interval,
      int maxInFlight,
      BiConsumer<String, Change> onChange) {
    this.key = baseUrl;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = http;
    this.scheduler = scheduler;
    this.clock = clock;
    this.interval = interval;
    this.maxInFlight = maxInFlight;
    this.onChange = onChange;
  }

  void start() {
    scheduler.execute(this::sweep);
  }

  void want(Set<String> connectors) {
    wanted = Set.copyOf(connectors);
    readings.keySet().retainAll(wanted);
  }

  Optional<ConnectReading> reading(String connector) {
    return Optional.ofNullable(readings.get(connector));
  }

  /** The last transport or HTTP error, cleared by the next answer; null when reachable. */
  String lastError() {
    return lastError;
  }

  void close() {
    closed = true;
  }

  private void sweep() {
    if (closed) {
      return;
    }
    List<String> names = List.copyOf(wanted);
    if (names.isEmpty()) {
      scheduleNext();
      return;
    }
    Queue<String> queue = new ConcurrentLinkedQueue<>(names);
    AtomicInteger remaining = new AtomicInteger(names.size());
    for (int i = 0; i < Math.min(maxInFlight, names.size()); i++) {
      next(queue, remaining);
    }
  }

  private void next(Queue<String> queue, AtomicInteger remaining) {
    String name = queue.poll();
    if (name == null || closed) {
      return;
    }
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(
                  URI.create(
                      baseUrl
                          + "/connectors/"
                          + URLEncoder.encode(name, StandardCharsets.UTF_8)
                          + "/status"))
              .timeout(REQUEST_TIMEOUT)
              .header("Accept", "application/json")
              .GET()
              .build();
    } catch (IllegalArgumentException e) {
      record(name, null, e);
      finish(queue, remaining);
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              record(name, response, error);
              finish(queue, remaining);
            });
  }

  private void finish(Queue<String> queue, AtomicInteger remaining) {
    if (remaining.decrementAndGet() == 0) {
      scheduleNext();
    } else {
      next(queue, remaining);
    }
  }

  private void scheduleNext() {
    if (closed) {
      return;
    }
    long base = interval.toMillis();
    long jittered = base + ThreadLocalRandom.current().nextLong(-base / 5, base / 5 + 1);
    scheduler.schedule(this::sweep, Math.max(100, jittered), TimeUnit.MILLISECONDS);
  }

  private void record(String name, HttpResponse<String> response, Throwable error) {
    String before = lastError;
    ConnectReading reading = null;
    if (error != null) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    } else if (response.statusCode() == 404) {
      reading = new ConnectReading(null, clock.instant());
    } else if (response.statusCode() == 200) {
      try {
        reading =
            new ConnectReading(
                JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {}),
                clock.instant());
      } catch (Exception e) {
        lastError = "unreadable answer: " + e.getMessage();
      }
    } else {
      // 409 during a rebalance, 5xx: reachable, but no reading this time.
      lastError = "HTTP " + response.statusCode() + " for " + name;
    }
    if (reading != null) {
      lastError = null;
      if (wanted.contains(name)) {
        ConnectReading previous = readings.put(name, reading);
        // A failed connector is reported on every sweep: the reconciliation that restarts it may
        // have seen an answer older than its last restart and waited.
        if (previous == null
            || !previous.summary().equals(reading.summary())
            || reading.anyFailed()) {
          onChange.accept(key, new Change(name));
        }
      }
    }
    if ((before == null) != (lastError == null)) {
      onChange.accept(key, new Change(null));
    }
  }
}
