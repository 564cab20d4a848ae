package io.twinlog.webhook;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinlog.webhook.config.ReceiverConfig;
import io.twinlog.webhook.extract.EventExtractor;
import io.twinlog.webhook.http.ManagementServer;
import io.twinlog.webhook.http.WebhookHandler;
import io.twinlog.webhook.kafka.EventPublisher;
import io.twinlog.webhook.kafka.TopicReachable;
import io.twinlog.webhook.metrics.ReceiverMetrics;
import io.twinlog.webhook.tls.ClientCertificates;
import io.twinlog.webhook.tls.ServerTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook receiver process: configuration from the environment, the producer, the webhook
 * endpoint and the management endpoints. Stateless: any number of replicas behind one Service.
 * {@link #start(Map)} runs it in the caller's JVM; {@link #main} runs it as a container's process.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

  static {
    // Read once when the JDK's server classes load. Without nodelay every keep-alive answer
    // waits for a delayed ACK (~40 ms, docs/benchmarks.md); maxReqTime ends slow-body clients.
    System.setProperty(
        "sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
    System.setProperty(
        "sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "60"));
  }

  private final ReceiverConfig config;
  private final PrometheusMeterRegistry registry;
  private final EventPublisher publisher;
  private final KafkaClientMetrics producerMetrics;
  private final ReceiverMetrics metrics;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ManagementServer management;
  private final TopicReachable topicReachable;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private WebhookReceiver(ReceiverConfig config) {
    this.config = config;
    var authenticator = config.authenticator(Clock.systemUTC());
    ServerTls tls = config.serverTls(Clock.systemUTC()).orElse(null);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    publisher = new EventPublisher(config);
    producerMetrics = new KafkaClientMetrics(publisher.producer());
    producerMetrics.bindTo(registry);
    metrics = new ReceiverMetrics(registry);
    WebhookHandler handler =
        new WebhookHandler(
            config.path(),
            tls == null ? ClientCertificates.NONE : tls.clientCertificates(),
            authenticator,
            config.maxBodyBytes(),
            new EventExtractor(config.eventId(), config.entityKey()),
            publisher,
            metrics,
            config.ackTimeout(),
            config.maxInFlight());
    metrics.inFlight(handler::inFlight);
    try {
      InetSocketAddress address = new InetSocketAddress(config.port());
      if (tls == null) {
        server = HttpServer.create(address, 128);
      } else {
        HttpsServer https = HttpsServer.create(address, 128);
        https.setHttpsConfigurator(tls.configurator());
        server = https;
      }
    } catch (IOException e) {
      publisher.close();
      throw new UncheckedIOException("cannot listen on port " + config.port(), e);
    }
    // Virtual threads: a request waiting for Kafka costs no platform thread; the handler's
    // in-flight limit bounds how many there are.
    handlers = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(handlers);
    // At "/" so a wrong path is answered (and counted) by the handler too.
    server.createContext("/", handler);
    topicReachable =
        new TopicReachable(publisher.producer(), config.topic(), Duration.ofSeconds(1));
    management =
        new ManagementServer(
            config.managementPort(),
            registry,
            () -> !closing.get(),
            () -> topicReachable.reached() && !closing.get());
  }

  /** Starts a receiver in this JVM from environment-style variables (the operator's contract). */
  public static WebhookReceiver start(Map<String, String> env) {
    return start(ReceiverConfig.fromEnv(env));
  }

  public static WebhookReceiver start(ReceiverConfig config) {
    WebhookReceiver receiver = new WebhookReceiver(config);
    receiver.server.start();
    LOG.info(
        "Webhook receiver {} listening on :{}{} (management :{}): {}",
        config.name(),
        receiver.port(),
        config.path(),
        receiver.managementPort(),
        config.summary());
    return receiver;
  }

  public static void main(String[] args) throws InterruptedException {
    WebhookReceiver receiver;
    try {
      receiver = start(ReceiverConfig.fromEnvironment());
    } catch (ConfigException e) {
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    // SIGTERM (Kubernetes stopping the pod): finish what is in flight, then exit.
    Runtime.getRuntime().addShutdownHook(new Thread(receiver::close, "twinlog-webhook-shutdown"));
    receiver.stopped.await();
  }

  /** The port webhooks arrive on (useful when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  public int managementPort() {
    return management.port();
  }

  public ReceiverMetrics metrics() {
    return metrics;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Stops taking requests, lets those in flight get their answer (up to the ack timeout), then
   * closes the producer.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Webhook receiver {} stopping", config.name());
    topicReachable.close();
    server.stop((int) Math.max(1, config.ackTimeout().toSeconds() + 1));
    handlers.shutdown();
    publisher.close();
    producerMetrics.close();
    management.close();
    registry.close();
    stopped.countDown();
  }
}
