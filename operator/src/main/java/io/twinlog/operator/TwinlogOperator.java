package io.twinlog.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinlog.operator.reconciler.CdcPipelineReconciler;
import io.twinlog.operator.reconciler.HttpEndpoints;
import io.twinlog.operator.reconciler.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Twinlog operator: one JOSDK controller for CdcPipelines, Prometheus metrics, health
 * endpoints, optional leader election. {@link #main} runs it in a pod; {@link #start} runs it
 * in-process against any KubernetesClient (the mock API server in tests and the playground) with a
 * given Clock, exactly as configured in production (no server-side apply anywhere).
 */
public final class TwinlogOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TwinlogOperator.class);

  private final Operator operator;
  private final CdcPipelineReconciler reconciler;
  private final PrometheusMeterRegistry registry;
  private final HttpEndpoints http;

  private TwinlogOperator(
      Operator operator,
      CdcPipelineReconciler reconciler,
      PrometheusMeterRegistry registry,
      HttpEndpoints http) {
    this.operator = operator;
    this.reconciler = reconciler;
    this.registry = registry;
    this.http = http;
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

  private static TwinlogOperator start(
      KubernetesClient client, Clock clock, OperatorSettings settings, boolean exitOnStopLeading) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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
                        null,
                        exitOnStopLeading));
              }
            });
    CdcPipelineReconciler reconciler = new CdcPipelineReconciler(client, clock, settings, registry);
    operator.register(
        reconciler,
        c -> {
          if (settings.watchNamespaces().isEmpty()) {
            c.watchingAllNamespaces();
          } else {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    operator.start();
    HttpEndpoints http =
        settings.httpPort() < 0
            ? null
            : HttpEndpoints.start(
                settings.httpPort(), operator, registry, settings.leaderElection());
    LOG.info(
        "Twinlog operator started, watching {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces());
    return new TwinlogOperator(operator, reconciler, registry, http);
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

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    operator.stop();
    reconciler.close();
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
