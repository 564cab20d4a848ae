package io.twinlog.dedup;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinlog.dedup.config.DedupConfig;
import io.twinlog.dedup.config.DedupConfigException;
import io.twinlog.dedup.config.SourceSpec;
import io.twinlog.dedup.metrics.DedupMetrics;
import io.twinlog.dedup.metrics.HealthServer;
import io.twinlog.dedup.metrics.HealthServer.Health;
import io.twinlog.dedup.metrics.OutputAcknowledgements;
import io.twinlog.dedup.topology.CoPartitioning;
import io.twinlog.dedup.topology.DedupTopology;
import io.twinlog.dedup.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedup runtime process: configuration from the environment, a co-partitioning check, the Kafka
 * Streams application, and the metrics/health HTTP server. {@link #start(Map)} runs it in the
 * caller's JVM and returns a handle; {@link #main} runs it as a container's process.
 */
public final class DedupRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DedupRuntime.class);

  private final DedupConfig config;
  private final KafkaStreams streams;
  private final PrometheusMeterRegistry registry;
  private final DedupMetrics metrics;
  private final HealthServer http;
  private final KafkaStreamsMetrics streamsMetrics;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean failed;

  private DedupRuntime(DedupConfig config) {
    this.config = config;
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    metrics =
        new DedupMetrics(
            registry, config.sources().stream().map(SourceSpec::name).toList(), config.windowMs());
    checkCoPartitioning(config);
    streams = new KafkaStreams(DedupTopology.build(config, metrics), streamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          // Bad records never get here (they go to dead letters), so this is a bug or a broker
          // failure Streams could not ride out: stop, and let Kubernetes restart the pod, which
          // restores state from the changelogs. Replacing the thread could loop on the same error.
          LOG.error("Kafka Streams thread failed; shutting this instance down", e);
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
    http = new HealthServer(config.metricsPort(), registry, this::health);
  }

  /** Starts the runtime in this JVM from environment-style variables (the operator's contract). */
  public static DedupRuntime start(Map<String, String> env) {
    return start(DedupConfig.fromEnv(env));
  }

  public static DedupRuntime start(DedupConfig config) {
    DedupRuntime runtime = new DedupRuntime(config);
    runtime.streams.start();
    LOG.info(
        "Dedup runtime {} started: sources {}, output prefix {}, window {} ms, metrics on :{}",
        config.applicationId(),
        config.sources(),
        config.outputTopicPrefix(),
        config.windowMs(),
        runtime.metricsPort());
    return runtime;
  }

  public static void main(String[] args) throws InterruptedException {
    DedupRuntime runtime;
    try {
      runtime = start(DedupConfig.fromEnvironment());
    } catch (DedupConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // SIGTERM (Kubernetes stopping the pod) runs the hooks: close commits and leaves the group.
    // SIGKILL runs nothing: the pod comes back under the same group.instance.id.
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "twinlog-dedup-shutdown"));
    runtime.stopped.await();
    if (runtime.failed && !runtime.closing.get()) {
      System.exit(1);
    }
  }

  private Properties streamsProperties() {
    Properties props = config.streamsProperties();
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG),
        OutputAcknowledgements.class.getName());
    props.put(StreamsConfig.producerPrefix(OutputAcknowledgements.METRICS_ID), metrics.id());
    props.put(
        StreamsConfig.producerPrefix(OutputAcknowledgements.OUTPUT_PREFIX),
        config.outputTopicPrefix() + ".");
    // Kafka Streams shares which instance holds which partitions (what readiness checks) only
    // when each instance names an endpoint; no store is queried through it. The host part must
    // be unique in the group: the instance id (the pod's name), else a random one.
    props.putIfAbsent(
        StreamsConfig.APPLICATION_SERVER_CONFIG,
        Objects.requireNonNullElseGet(
                config.kafka().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                () -> UUID.randomUUID().toString())
            + ":"
            + config.metricsPort());
    return props;
  }

  private static void checkCoPartitioning(DedupConfig config) {
    Map<String, Object> adminProps = new HashMap<>();
    config.streamsProperties().forEach((k, v) -> adminProps.put(k.toString(), v));
    adminProps.remove(StreamsConfig.APPLICATION_ID_CONFIG);
    TopicNames names = new TopicNames(config);
    try (Admin admin = Admin.create(adminProps)) {
      List<String> ours =
          admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
              .filter(t -> names.parse(t) != null)
              .toList();
      Map<String, Integer> partitions = new HashMap<>();
      for (Map.Entry<String, TopicDescription> e :
          admin.describeTopics(ours).allTopicNames().get(60, TimeUnit.SECONDS).entrySet()) {
        partitions.put(e.getKey(), e.getValue().partitions().size());
      }
      List<String> problems = CoPartitioning.problems(names, partitions);
      if (!problems.isEmpty()) {
        throw new DedupConfigException(problems);
      }
      LOG.info("Source topics found (topic=partitions): {}", partitions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking source topics", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "cannot list source topics on " + config.bootstrapServers() + ": " + e.getMessage(), e);
    }
  }

  private Health health() {
    State state = streams.state();
    boolean live = !failed && state != State.ERROR && state != State.PENDING_ERROR;
    if (state != State.RUNNING) {
      return new Health(live, false, "kafka-streams " + state);
    }
    // RUNNING with a source topic nobody reads would be "ready" while that table's changes wait
    // for the next metadata refresh and rebalance: ready means every source topic is assigned.
    List<String> unassigned = unassignedSourceTopics();
    return unassigned.isEmpty()
        ? new Health(live, true, "kafka-streams RUNNING")
        : new Health(
            live, false, "kafka-streams RUNNING; source topics not assigned yet: " + unassigned);
  }

  /**
   * The source table topics no instance of the group has an active task for (across the group: an
   * instance with no task of its own is ready when the others read everything). Empty with a table
   * pattern, whose topics are not known in advance.
   */
  private List<String> unassignedSourceTopics() {
    Set<String> assigned = new HashSet<>();
    streams
        .metadataForAllStreamsClients()
        .forEach(m -> m.topicPartitions().forEach(tp -> assigned.add(tp.topic())));
    List<String> missing = new ArrayList<>();
    for (String table : config.tables()) {
      for (SourceSpec source : config.sources()) {
        String topic = TopicNames.sourceTopic(source, table);
        if (!assigned.contains(topic)) {
          missing.add(topic);
        }
      }
    }
    return missing;
  }

  public State state() {
    return streams.state();
  }

  /** The Kafka Streams client, for callers that inspect tasks or query stores. */
  public KafkaStreams streams() {
    return streams;
  }

  public int metricsPort() {
    return http.port();
  }

  public DedupMetrics metrics() {
    return metrics;
  }

  /** True when Kafka Streams stopped on an error rather than because it was closed. */
  public boolean failed() {
    return failed;
  }

  /** Blocks until Kafka Streams stopped (closed or failed), or the timeout passed. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Graceful stop: commits, leaves the group, then stops the HTTP server. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Dedup runtime {} stopping", config.applicationId());
    // Kafka Streams stays in the group on close by default (the classic protocol): its
    // partitions would wait out the session timeout. A stopped pod is going away (a rolling
    // update, a scale-down), so it leaves and the others take over at once.
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(60)));
    streamsMetrics.close();
    http.close();
    metrics.unregister();
    registry.close();
    stopped.countDown();
  }
}
