package io.twinlog.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinlog.operator.reconciler.CdcPipelineReconciler;
import io.twinlog.operator.reconciler.ErpWebhookReconciler;
import io.twinlog.operator.reconciler.HttpEndpoints;
import io.twinlog.operator.reconciler.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Twinlog operator: JOSDK controllers for CdcPipelines and ErpWebhooks, Prometheus metrics,
 * health endpoints, optional leader election. {@link #main} runs it in a pod; {@link #start} runs
 * it in-process against any KubernetesClient (the mock API server in tests and the playground) with
 * a given Clock, exactly as configured in production (no server-side apply anywhere).
 */
public final class TwinlogOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TwinlogOperator.class);

  private final Operator operator;
  private final CdcPipelineReconciler reconciler;
  private final ErpWebhookReconciler webhookReconciler;
  private final PrometheusMeterRegistry registry;
  private final HttpEndpoints http;
  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final AtomicBoolean closing;

  private TwinlogOperator(
      Operator operator,
      CdcPipelineReconciler reconciler,
      ErpWebhookReconciler webhookReconciler,
      PrometheusMeterRegistry registry,
      HttpEndpoints http,
      KubernetesClient client,
      OperatorSettings settings,
      AtomicBoolean closing) {
    this.operator = operator;
    this.reconciler = reconciler;
    this.webhookReconciler = webhookReconciler;
    this.registry = registry;
    this.http = http;
    this.client = client;
    this.settings = settings;
    this.closing = closing;
  }

  /**
   * Starts the operator and returns once its informers have synced.
   *
   * @param client the API server to work against; not closed by {@link #close}
   * @param clock drives restart backoff and every timestamp the operator writes
   */
  public static TwinlogOperator start(
      KubernetesClient client, Clock clock, OperatorSettings settings) {
    // In-process (tests, playground) the JVM must outlive the operator: losing the lease on close
    // must not end it.
    return start(client, clock, settings, false);
  }

  /**
   * As {@link #start(KubernetesClient, Clock, OperatorSettings)}.
   *
   * @param exitOnLostLease end the JVM when the lease is lost while running (a pod: Kubernetes
   *     restarts it as a follower, so two leaders never reconcile at once); never on {@link #close}
   */
  public static TwinlogOperator start(
      KubernetesClient client, Clock clock, OperatorSettings settings, boolean exitOnLostLease) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicBoolean closing = new AtomicBoolean();
    // JOSDK's own exit (exitOnStopLeading) also fires when close() cancels the election, from the
    // shutdown hook, where System.exit blocks until SIGKILL: exit from our callback, not on close.
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {},
            () -> {
              if (exitOnLostLease && !closing.get()) {
                LOG.error("Lost the leader lease: exiting so that only the new leader reconciles");
                System.exit(1);
              }
            },
            leader -> {});
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  // The mock API server has no server-side apply; production runs what is tested.
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(5));
              if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(),
                        settings.leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        settings.identity(),
                        callbacks,
                        false));
              }
            });
    CdcPipelineReconciler reconciler = new CdcPipelineReconciler(client, clock, settings, registry);
    operator.register(reconciler, c -> watched(c, settings));
    ErpWebhookReconciler webhookReconciler = new ErpWebhookReconciler(client, clock, settings);
    operator.register(webhookReconciler, c -> watched(c, settings));
    operator.start();
    HttpEndpoints http =
        settings.httpPort() < 0
            ? null
            : HttpEndpoints.start(
                settings.httpPort(), operator, registry, settings.leaderElection());
    LOG.info(
        "Twinlog operator started, watching {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces());
    return new TwinlogOperator(
        operator, reconciler, webhookReconciler, registry, http, client, settings, closing);
  }

  private static void watched(ControllerConfigurationOverrider<?> c, OperatorSettings settings) {
    if (settings.watchNamespaces().isEmpty()) {
      c.watchingAllNamespaces();
    } else {
      c.settingNamespaces(settings.watchNamespaces());
    }
  }

  /** The JOSDK operator (runtime info, registered controllers). */
  public Operator operator() {
    return operator;
  }

  /** The Prometheus registry behind {@code /metrics}. */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /** The port of /metrics, /livez, /readyz, or -1 when not served. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /**
   * Stops reconciling and, with leader election, hands the lease over at once (as client-go's
   * {@code ReleaseOnCancel}): the next leader need not wait out the lease duration.
   */
  @Override
  public void close() {
    closing.set(true);
    if (http != null) {
      http.close();
    }
    operator.stop();
    reconciler.close();
    webhookReconciler.close();
    if (settings.leaderElection()) {
      releaseLease();
    }
  }

  private void releaseLease() {
    try {
      Lease lease =
          client
              .leases()
              .inNamespace(settings.leaseNamespace())
              .withName(settings.leaseName())
              .get();
      if (lease == null
          || lease.getSpec() == null
          || !settings.identity().equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setAcquireTime(now);
      lease.getSpec().setRenewTime(now);
      client.resource(lease).update();
      LOG.info("Released the leader lease {}", settings.leaseName());
    } catch (RuntimeException e) {
      // the lease then expires by itself; the next leader waits for that
      LOG.warn("Could not release the leader lease {}: {}", settings.leaseName(), e.toString());
    }
  }

  /** Runs the operator in a pod, configured from the environment the Helm chart sets. */
  public static void main(String[] args) {
    OperatorSettings settings = OperatorSettings.fromEnv(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    // A pod that lost the lease exits, and Kubernetes restarts it as a follower.
    TwinlogOperator running = start(client, Clock.systemUTC(), settings, true);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  client.close();
                },
                "twinlog-shutdown"));
  }
}
