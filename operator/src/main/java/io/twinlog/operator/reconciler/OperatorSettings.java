package io.twinlog.operator.reconciler;

import io.twinlog.contracts.OperatorEnv;
import io.twinlog.operator.observe.ConnectStatusWatcher;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs, read from the environment the Helm chart sets ({@link OperatorEnv}).
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param leaderElection whether to elect a leader (several operator replicas)
 * @param leaseName the coordination.k8s.io Lease used for leader election
 * @param leaseNamespace the Lease's namespace (the operator's own)
 * @param identity this instance's name (the pod), for leader election and Events
 * @param dedupImage the dedup runtime image used unless a pipeline overrides it, or null
 * @param dedupImagePullPolicy pull policy of that image, or null
 * @param webhookImage the webhook receiver image of every ErpWebhook's pods unless it overrides it,
 *     or null
 * @param httpPort port of /metrics, /livez and /readyz; 0 picks a free port, -1 serves none
 * @param connectApiUrl where Connect's REST API is, as a template with {@code {connectCluster}} and
 *     {@code {namespace}}; null for Strimzi's Service ({@code
 *     ResourceNames.STRIMZI_CONNECT_API_URL})
 * @param connectPollInterval time between two status sweeps of one Connect cluster
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String identity,
    String dedupImage,
    String dedupImagePullPolicy,
    String webhookImage,
    int httpPort,
    String connectApiUrl,
    Duration connectPollInterval) {

  /** Settings for an in-process operator (tests, playground): all namespaces, no HTTP server. */
  public static OperatorSettings inProcess() {
    return new OperatorSettings(
        Set.of(),
        false,
        null,
        null,
        "twinlog-in-process",
        null,
        null,
        null,
        -1,
        null,
        ConnectStatusWatcher.DEFAULT_INTERVAL);
  }

  /**
   * Returns a copy reaching every Connect cluster's REST API at {@code url} (a template as {@link
   * #connectApiUrl}; tests and the playground run one Connect worker for all namespaces).
   */
  public OperatorSettings withConnectApiUrl(String url) {
    return new OperatorSettings(
        watchNamespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        identity,
        dedupImage,
        dedupImagePullPolicy,
        webhookImage,
        httpPort,
        url,
        connectPollInterval);
  }

  /** Returns a copy serving HTTP on the given port (0: any free port). */
  public OperatorSettings withHttpPort(int port) {
    return new OperatorSettings(
        watchNamespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        identity,
        dedupImage,
        dedupImagePullPolicy,
        webhookImage,
        port,
        connectApiUrl,
        connectPollInterval);
  }

  /** Returns a copy watching only the given namespaces. */
  public OperatorSettings watching(Set<String> namespaces) {
    return new OperatorSettings(
        Set.copyOf(namespaces),
        leaderElection,
        leaseName,
        leaseNamespace,
        identity,
        dedupImage,
        dedupImagePullPolicy,
        webhookImage,
        httpPort,
        connectApiUrl,
        connectPollInterval);
  }

  /** Reads the settings from environment variables. */
  public static OperatorSettings fromEnv(Map<String, String> env) {
    String namespaces = env.getOrDefault(OperatorEnv.WATCH_NAMESPACES, "");
    Set<String> watch =
        Arrays.stream(namespaces.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    String port = env.get(OperatorEnv.HTTP_PORT);
    return new OperatorSettings(
        watch,
        Boolean.parseBoolean(env.getOrDefault(OperatorEnv.LEADER_ELECTION, "false")),
        env.getOrDefault(OperatorEnv.LEADER_ELECTION_LEASE_NAME, "twinlog-operator-lock"),
        env.get(OperatorEnv.OPERATOR_NAMESPACE),
        env.getOrDefault(OperatorEnv.POD_NAME, "twinlog-operator"),
        env.get(OperatorEnv.DEDUP_IMAGE),
        env.get(OperatorEnv.DEDUP_IMAGE_PULL_POLICY),
        blankToNull(env.get(OperatorEnv.WEBHOOK_IMAGE)),
        port == null || port.isBlank() ? OperatorEnv.DEFAULT_HTTP_PORT : Integer.parseInt(port),
        blankToNull(env.get(OperatorEnv.CONNECT_API_URL)),
        Duration.ofMillis(
            Long.parseLong(
                env.getOrDefault(
                    OperatorEnv.CONNECT_POLL_INTERVAL_MS,
                    Long.toString(OperatorEnv.DEFAULT_CONNECT_POLL_INTERVAL_MS)))));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
