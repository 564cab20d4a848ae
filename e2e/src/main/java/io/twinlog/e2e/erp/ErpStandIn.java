package io.twinlog.e2e.erp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.twinlog.contracts.ErpSinkConfigKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ERP in tests and the playground: a real HTTP server on 127.0.0.1 that records every request
 * (idempotency key, body, arrival time, answer) and can be told to fail: 503 until a deadline, 429
 * with {@code Retry-After} for a number of requests, a delay before each answer, 400 for chosen
 * idempotency keys. Faults are checked in that order: 400, 503, 429, then delay and 200.
 */
public final class ErpStandIn implements AutoCloseable {

  /** Path the sink posts to. */
  public static final String PATH = "/api/cdc";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final List<ErpRequest> requests = new ArrayList<>();
  private final Set<String> rejectedKeys = ConcurrentHashMap.newKeySet();
  private final AtomicInteger throttleRemaining = new AtomicInteger();
  private volatile Instant unavailableUntil = Instant.MIN;
  private volatile Duration throttleRetryAfter = Duration.ofSeconds(1);
  private volatile Duration delay = Duration.ZERO;

  private ErpStandIn(HttpServer server, ExecutorService executor, Clock clock) {
    this.server = server;
    this.executor = executor;
    this.clock = clock;
  }

  /** Starts the server on a free port of 127.0.0.1. */
  public static ErpStandIn start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException("ERP stand-in could not bind", e);
    }
    // Virtual threads: a delayed answer must not hold up the sink's other in-flight requests.
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    ErpStandIn erp = new ErpStandIn(server, executor, Clock.systemUTC());
    server.createContext(PATH, erp::handle);
    server.setExecutor(executor);
    server.start();
    return erp;
  }

  /** The URL the sink connector is configured with. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
  }

  /** Answers 503 to every request until {@code duration} from now has passed. */
  public void unavailableFor(Duration duration) {
    unavailableUntil = clock.instant().plus(duration);
  }

  /** Answers 429 with {@code Retry-After: <seconds>} to the next {@code requests} requests. */
  public void throttle(int requests, Duration retryAfter) {
    throttleRetryAfter = retryAfter;
    throttleRemaining.set(requests);
  }

  /** Waits this long before answering each request. */
  public void delayAnswers(Duration delay) {
    this.delay = delay;
  }

  /** Answers 400 (a permanent error) to every request carrying one of these idempotency keys. */
  public void reject(Set<String> idempotencyKeys) {
    rejectedKeys.addAll(idempotencyKeys);
  }

  /** Clears every fault: 200 to everything from now on. */
  public void healthy() {
    unavailableUntil = Instant.MIN;
    throttleRemaining.set(0);
    delay = Duration.ZERO;
    rejectedKeys.clear();
  }

  /** Forgets every recorded request (between scenarios sharing one stand-in). */
  public synchronized void clear() {
    requests.clear();
  }

  /** A snapshot of every request received so far, in arrival order. */
  public synchronized List<ErpRequest> requests() {
    return List.copyOf(requests);
  }

  /** Number of requests answered with 2xx so far. */
  public synchronized long acceptedCount() {
    return requests.stream().filter(ErpRequest::accepted).count();
  }

  /** Arrival time of the last request, or null when none came. */
  public synchronized Instant lastArrival() {
    return requests.isEmpty() ? null : requests.get(requests.size() - 1).receivedAt();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Instant arrival = clock.instant();
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String key = exchange.getRequestHeaders().getFirst(ErpSinkConfigKeys.IDEMPOTENCY_HEADER);
      int status = decide(key, arrival, exchange);
      if (status == 200 && !delay.isZero()) {
        try {
          Thread.sleep(delay); // simulates a slow ERP; not a wait for a condition
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          status = 503;
        }
      }
      synchronized (this) {
        requests.add(new ErpRequest(key, exchange.getRequestMethod(), body, arrival, status));
      }
      byte[] answer = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  private int decide(String key, Instant arrival, HttpExchange exchange) {
    if (key != null && rejectedKeys.contains(key)) {
      return 400;
    }
    if (arrival.isBefore(unavailableUntil)) {
      return 503;
    }
    if (throttleRemaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      exchange
          .getResponseHeaders()
          .set("Retry-After", Long.toString(Math.max(1, throttleRetryAfter.toSeconds())));
      return 429;
    }
    return 200;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
