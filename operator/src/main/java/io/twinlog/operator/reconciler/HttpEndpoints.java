package io.twinlog.operator.reconciler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinlog.contracts.OperatorEnv;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** The operator's HTTP endpoints: Prometheus metrics, liveness, readiness (JDK HTTP server). */
public final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  /** Serves the endpoints on {@code port} (0: any free port). */
  public static HttpEndpoints start(
      int port, Operator operator, PrometheusMeterRegistry registry, boolean leaderElection) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r)));
      server.createContext(
          OperatorEnv.METRICS_PATH,
          ex -> respond(ex, () -> 200, registry::scrape, "text/plain; version=0.0.4"));
      server.createContext(
          OperatorEnv.LIVENESS_PATH,
          ex ->
              respond(
                  ex,
                  () -> operator.getRuntimeInfo().isStarted() ? 200 : 503,
                  () -> "",
                  "text/plain"));
      // A standby replica (leader election) has no informers running and is still ready.
      server.createContext(
          OperatorEnv.READINESS_PATH,
          ex ->
              respond(
                  ex,
                  () ->
                      leaderElection || operator.getRuntimeInfo().allEventSourcesAreHealthy()
                          ? 200
                          : 503,
                  () -> "",
                  "text/plain"));
      server.start();
      return new HttpEndpoints(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "twinlog-http");
    t.setDaemon(true);
    return t;
  }

  private static void respond(
      HttpExchange exchange, Supplier<Integer> code, Supplier<String> body, String type)
      throws IOException {
    int status;
    byte[] bytes;
    try {
      status = code.get();
      bytes = body.get().getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      status = 500;
      bytes = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  /** The port served. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
