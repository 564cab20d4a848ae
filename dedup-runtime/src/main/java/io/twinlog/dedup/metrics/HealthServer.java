package io.twinlog.dedup.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Serves {@code /metrics} (Prometheus text), {@code /livez} and {@code /readyz} over HTTP. */
public final class HealthServer implements AutoCloseable {
  /** What the probes report: whether the process should be restarted, and whether it is ready. */
  public record Health(boolean live, boolean ready, String detail) {}

  private final HttpServer server;
  private final ExecutorService executor;

  public HealthServer(int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on metrics port " + port, e);
    }
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "twinlog-dedup-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/livez",
        ex -> {
          Health h = health.get();
          respond(ex, h.live() ? 200 : 503, "text/plain", h.detail() + "\n");
        });
    server.createContext(
        "/readyz",
        ex -> {
          Health h = health.get();
          respond(ex, h.ready() ? 200 : 503, "text/plain", h.detail() + "\n");
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
