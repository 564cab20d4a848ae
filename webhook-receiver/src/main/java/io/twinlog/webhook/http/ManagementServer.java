package io.twinlog.webhook.http;

import static io.twinlog.contracts.WebhookReceiverEnv.LIVENESS_PATH;
import static io.twinlog.contracts.WebhookReceiverEnv.METRICS_PATH;
import static io.twinlog.contracts.WebhookReceiverEnv.READINESS_PATH;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics}, {@code /livez} and {@code /readyz} on their own port, so the Service the ERP
 * calls never exposes them.
 */
public final class ManagementServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  public ManagementServer(
      int port, PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on management port " + port, e);
    }
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "twinlog-webhook-management");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        METRICS_PATH,
        ex -> {
          try (ex) {
            Responses.text(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
          }
        });
    server.createContext(
        LIVENESS_PATH,
        ex -> {
          try (ex) {
            boolean ok = live.getAsBoolean();
            Responses.text(ex, ok ? 200 : 503, "text/plain", ok ? "live\n" : "stopped\n");
          }
        });
    server.createContext(
        READINESS_PATH,
        ex -> {
          try (ex) {
            boolean ok = ready.getAsBoolean();
            Responses.text(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
          }
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
