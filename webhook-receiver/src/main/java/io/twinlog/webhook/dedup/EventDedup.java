package io.twinlog.webhook.dedup;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinlog.webhook.http.ManagementServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedup-by-event-id process: reads the receiver's topic, writes each event id once within the
 * window to the output topic, exactly once. See docs/concepts/webhooks.md, section "Exactly once
 * per event id".
 */
public final class EventDedup implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventDedup.class);

  private final DedupStepConfig config;
  private final PrometheusMeterRegistry registry;
  private final DedupStepMetrics metrics;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final ManagementServer management;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean failed;

  private EventDedup(DedupStepConfig config) {
    this.config = config;
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    metrics = new DedupStepMetrics(registry);
    streams =
        new KafkaStreams(
            DedupStepTopology.build(
                config.inputTopic(), config.outputTopic(), config.windowMs(), metrics),
            config.streamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          // No record can make the processor throw; this is a broker failure Streams could not
          // ride out. Stop and let Kubernetes restart the pod, which restores the state.
          LOG.error("Kafka Streams thread failed; stopping", e);
          failed = true;
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams state {} -> {}", before, now);
          if (now == State.NOT_RUNNING || now == State.ERROR) {
            failed |= now == State.ERROR || !closing.get();
            stopped.countDown();
          }
        });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    management =
        new ManagementServer(
            config.managementPort(),
            registry,
            () -> !failed && streams.state() != State.ERROR,
            () -> streams.state() == State.RUNNING);
  }

  public static EventDedup start(Map<String, String> env) {
    EventDedup dedup = new EventDedup(DedupStepConfig.fromEnv(env));
    dedup.streams.start();
    LOG.info(
        "Webhook dedup {} started: {} -> {}, window {} ms",
        dedup.config.applicationId(),
        dedup.config.inputTopic(),
        dedup.config.outputTopic(),
        dedup.config.windowMs());
    return dedup;
  }

  public static void main(String[] args) throws InterruptedException {
    EventDedup dedup;
    try {
      dedup = start(System.getenv());
    } catch (ConfigException e) {
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(dedup::close, "twinlog-webhook-dedup-stop"));
    dedup.stopped.await();
    if (dedup.failed && !dedup.closing.get()) {
      System.exit(1);
    }
  }

  public State state() {
    return streams.state();
  }

  public DedupStepMetrics metrics() {
    return metrics;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int managementPort() {
    return management.port();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    streams.close(Duration.ofSeconds(60));
    streamsMetrics.close();
    management.close();
    registry.close();
    stopped.countDown();
  }
}
