package io.twinlog.webhook.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The receiver's Micrometer meters; names are listed in webhook-receiver/README.md. Thread-safe.
 */
public final class ReceiverMetrics {
  public static final String PREFIX = "twinlog_webhook_";

  private final MeterRegistry registry;
  private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> signatureFailures = new ConcurrentHashMap<>();
  private final Map<String, Counter> certificateFailures = new ConcurrentHashMap<>();
  private final Timer ackLatency;

  public ReceiverMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Registered at zero, so a rate() or an alert on them works before the first failure.
    for (int code : List.of(200, 400, 401, 403, 404, 405, 413, 500, 503)) {
      requestCounter(code);
    }
    for (String reason : List.of("missing", "mismatch", "missing_timestamp", "replay_window")) {
      signatureCounter(reason);
    }
    for (String reason : List.of("subject_not_allowed", "untrusted", "missing_certificate")) {
      certificateCounter(reason);
    }
    ackLatency =
        Timer.builder(PREFIX + "ack_latency")
            .description("From handing a webhook to the producer to Kafka's acknowledgement")
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
  }

  /** Reports the handler's open requests (the handler is built after its metrics). */
  public void inFlight(Supplier<Number> inFlight) {
    Gauge.builder(PREFIX + "in_flight", inFlight)
        .description("Requests being read or waiting for Kafka's acknowledgement")
        .register(registry);
  }

  /** One answered request, by HTTP status code. */
  public void answered(int status) {
    requestCounter(status).increment();
  }

  /** A request refused by authentication; {@code reason} is an {@code AuthFailure} tag. */
  public void signatureFailure(String reason) {
    signatureCounter(reason).increment();
  }

  /**
   * A request with a verified client certificate refused with 403; {@code reason} is an {@code
   * AuthFailure} tag.
   */
  public void clientCertificateFailure(String reason) {
    certificateCounter(reason).increment();
  }

  public void acked(long nanos) {
    ackLatency.record(Duration.ofNanos(nanos));
  }

  public Timer ackLatency() {
    return ackLatency;
  }

  /** Requests answered with {@code status} so far. */
  public long requests(int status) {
    return (long) requestCounter(status).count();
  }

  public long signatureFailures(String reason) {
    return (long) signatureCounter(reason).count();
  }

  public long clientCertificateFailures(String reason) {
    return (long) certificateCounter(reason).count();
  }

  private Counter requestCounter(int status) {
    return requests.computeIfAbsent(
        status,
        code ->
            Counter.builder(PREFIX + "requests_total")
                .description("Webhook requests answered, by HTTP status code")
                .tag("code", Integer.toString(code))
                .register(registry));
  }

  private Counter signatureCounter(String reason) {
    return signatureFailures.computeIfAbsent(
        reason,
        r ->
            Counter.builder(PREFIX + "signature_failures_total")
                .description("Requests refused with 401, by reason")
                .tag("reason", r)
                .register(registry));
  }

  private Counter certificateCounter(String reason) {
    return certificateFailures.computeIfAbsent(
        reason,
        r ->
            Counter.builder(PREFIX + "client_certificate_failures_total")
                .description("Requests with a client certificate refused with 403, by reason")
                .tag("reason", r)
                .register(registry));
  }
}
