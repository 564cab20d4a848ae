package io.twinlog.webhook.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import io.twinlog.webhook.auth.AuthFailure;
import io.twinlog.webhook.auth.Authenticator;
import io.twinlog.webhook.auth.HeaderLookup;
import io.twinlog.webhook.extract.BadWebhookException;
import io.twinlog.webhook.extract.EventExtractor;
import io.twinlog.webhook.extract.WebhookEvent;
import io.twinlog.webhook.kafka.EventPublisher;
import io.twinlog.webhook.metrics.ReceiverMetrics;
import io.twinlog.webhook.tls.ClientCertificates;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook request: method and path, client certificate, authentication, size limit, event id
 * and entity key, then the write to Kafka. It answers 200 only after Kafka acknowledged the record;
 * every refusal writes nothing. The answers and why: docs/concepts/webhooks.md, section "Answers".
 */
public final class WebhookHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

  /** Seconds an ERP is asked to wait before retrying a 503. */
  static final String RETRY_AFTER_SECONDS = "5";

  private final String path;
  private final ClientCertificates clientCertificates;
  private final Authenticator authenticator;
  private final int maxBodyBytes;
  private final EventExtractor extractor;
  private final EventPublisher publisher;
  private final ReceiverMetrics metrics;
  private final Duration ackTimeout;
  private final Semaphore inFlight;
  private final int maxInFlight;
  private final ThrottledLog unavailableLog =
      new ThrottledLog(LOG, TimeUnit.SECONDS.toNanos(5), System::nanoTime);
  private final ThrottledLog unauthorizedLog =
      new ThrottledLog(LOG, TimeUnit.SECONDS.toNanos(5), System::nanoTime);
  private final ThrottledLog refusedByKafkaLog =
      new ThrottledLog(LOG, TimeUnit.SECONDS.toNanos(5), System::nanoTime);

  public WebhookHandler(
      String path,
      ClientCertificates clientCertificates,
      Authenticator authenticator,
      int maxBodyBytes,
      EventExtractor extractor,
      EventPublisher publisher,
      ReceiverMetrics metrics,
      Duration ackTimeout,
      int maxInFlight) {
    this.path = path;
    this.clientCertificates = clientCertificates;
    this.authenticator = authenticator;
    this.maxBodyBytes = maxBodyBytes;
    this.extractor = extractor;
    this.publisher = publisher;
    this.metrics = metrics;
    this.ackTimeout = ackTimeout;
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
  }

  /** Requests holding a slot now (reading a body or waiting for Kafka). */
  public int inFlight() {
    return maxInFlight - inFlight.availablePermits();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      answer(exchange);
    } catch (IOException e) {
      // The client went away mid-request; it did not get a 2xx, so it will retry.
      LOG.debug("request failed: {}", e.toString());
    }
  }

  private int answer(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      return refuse(exchange, 404, "no webhook endpoint at this path");
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      return refuse(exchange, 405, "webhooks are POSTed");
    }
    if (!inFlight.tryAcquire()) {
      // Bounded memory: at most maxInFlight bodies are held at once.
      exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
      return refuse(exchange, 503, "receiver busy; retry later");
    }
    try {
      return accept(exchange);
    } finally {
      inFlight.release();
    }
  }

  private int accept(HttpExchange exchange) throws IOException {
    HeaderLookup headers = exchange.getRequestHeaders()::getFirst;
    AuthFailure certificate = clientCertificates.check(sslSession(exchange));
    if (certificate != null) {
      return unauthorized(exchange, certificate);
    }
    if (!authenticator.needsBody()) {
      AuthFailure failure = authenticator.check(headers, null);
      if (failure != null) {
        return unauthorized(exchange, failure);
      }
    }
    byte[] body;
    try {
      body = BodyReader.read(exchange, maxBodyBytes);
    } catch (BodyReader.TooLargeException e) {
      return refuse(exchange, 413, "body larger than " + maxBodyBytes + " bytes");
    }
    if (authenticator.needsBody()) {
      AuthFailure failure = authenticator.check(headers, body);
      if (failure != null) {
        return unauthorized(exchange, failure);
      }
    }
    WebhookEvent event;
    try {
      event = extractor.extract(body, headers);
    } catch (BadWebhookException e) {
      return refuse(exchange, 400, e.getMessage());
    }
    return publish(exchange, event);
  }

  private int publish(HttpExchange exchange, WebhookEvent event) throws IOException {
    long start = System.nanoTime();
    RecordMetadata metadata;
    try {
      var acked = publisher.publish(event);
      // One deadline for both waits the producer may make (metadata in send, then the ack).
      long left = ackTimeout.toNanos() - (System.nanoTime() - start);
      metadata = acked.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return unavailable(exchange, event, "no acknowledgement from Kafka within " + ackTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable(exchange, event, "receiver stopping");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException
          || cause instanceof RetriableException) {
        return unavailable(exchange, event, "Kafka unavailable: " + cause);
      }
      if (cause instanceof RecordTooLargeException) {
        // The topic's or broker's limit is below maxBodyBytes: a configuration to fix, not retry.
        refusedByKafkaLog.warn(
            "event " + event.eventId() + " is larger than Kafka accepts: " + cause);
        return refuse(exchange, 413, "body larger than the Kafka topic accepts");
      }
      refusedByKafkaLog.warn("event " + event.eventId() + " was not written: " + cause);
      return refuse(exchange, 500, "not written: " + cause.getClass().getSimpleName());
    }
    metrics.acked(System.nanoTime() - start);
    // Counted before the answer is written, so whoever saw the answer also sees the count.
    metrics.answered(200);
    Responses.json(
        exchange,
        200,
        JsonNodeFactory.instance
            .objectNode()
            .put("eventId", event.eventId())
            .put("partition", metadata.partition())
            .put("offset", metadata.offset()));
    return 200;
  }

  private int unavailable(HttpExchange exchange, WebhookEvent event, String why)
      throws IOException {
    unavailableLog.warn("event " + event.eventId() + " answered 503: " + why);
    exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
    return refuse(exchange, 503, "not acknowledged by Kafka; retry later");
  }

  private int unauthorized(HttpExchange exchange, AuthFailure failure) throws IOException {
    String from = "a request from " + exchange.getRemoteAddress();
    if (failure.status() == 403) {
      metrics.clientCertificateFailure(failure.tag());
      // A subject is not secret, and it tells which ERP (or which wrong one) called.
      from += " with client certificate " + ClientCertificates.subject(sslSession(exchange));
    } else {
      metrics.signatureFailure(failure.tag());
    }
    // The reason and the peer only: never a header value, a signature or the body.
    unauthorizedLog.warn(failure.status() + " (" + failure.tag() + ") for " + from);
    return refuse(exchange, failure.status(), failure.message());
  }

  private static SSLSession sslSession(HttpExchange exchange) {
    return exchange instanceof HttpsExchange https ? https.getSSLSession() : null;
  }

  private int refuse(HttpExchange exchange, int status, String message) throws IOException {
    metrics.answered(status);
    Responses.error(exchange, status, message);
    return status;
  }
}
