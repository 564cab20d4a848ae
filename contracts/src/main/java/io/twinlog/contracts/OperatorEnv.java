package io.twinlog.contracts;

/**
 * The operator's deployment contract: environment variables the Helm chart sets on the operator
 * container and the operator reads at start-up, plus the HTTP endpoints the chart probes.
 *
 * <p>The chart test ({@code helm-chart}) checks that the rendered Deployment uses exactly these
 * names, so renaming one here without the chart fails the build.
 */
public final class OperatorEnv {
  private OperatorEnv() {}

  /**
   * Comma-separated namespaces to watch; absent or empty means every namespace (the chart then
   * grants a ClusterRole instead of one Role per namespace).
   */
  public static final String WATCH_NAMESPACES = "TWINLOG_WATCH_NAMESPACES";

  /** {@code true} when leader election must be used (the chart sets it when replicas > 1). */
  public static final String LEADER_ELECTION = "TWINLOG_LEADER_ELECTION";

  /** Name of the coordination.k8s.io Lease used for leader election. */
  public static final String LEADER_ELECTION_LEASE_NAME = "TWINLOG_LEADER_ELECTION_LEASE_NAME";

  /** Namespace of the leader-election Lease: the operator's own namespace (downward API). */
  public static final String OPERATOR_NAMESPACE = "TWINLOG_OPERATOR_NAMESPACE";

  /** The pod's name (downward API), used as the leader-election identity. */
  public static final String POD_NAME = "TWINLOG_POD_NAME";

  /**
   * Container image of the dedup runtime the operator puts into each pipeline's Deployment, unless
   * the pipeline's {@code spec.dedup.image} overrides it.
   */
  public static final String DEDUP_IMAGE = "TWINLOG_DEDUP_IMAGE";

  /** Pull policy for {@link #DEDUP_IMAGE}: Always, IfNotPresent or Never. */
  public static final String DEDUP_IMAGE_PULL_POLICY = "TWINLOG_DEDUP_IMAGE_PULL_POLICY";

  /**
   * Container image of the webhook receiver the operator puts into each ErpWebhook's receiver and
   * dedup Deployments, unless the ErpWebhook's {@code spec.receiver.image} overrides it.
   */
  public static final String WEBHOOK_IMAGE = "TWINLOG_WEBHOOK_IMAGE";

  /** HTTP port serving {@link #METRICS_PATH}, {@link #LIVENESS_PATH}, {@link #READINESS_PATH}. */
  public static final String HTTP_PORT = "TWINLOG_HTTP_PORT";

  /**
   * Where the operator reaches each Connect cluster's REST API, as a template with {@code
   * {connectCluster}} (the KafkaConnect's name) and {@code {namespace}} (the pipeline's) filled in;
   * default {@link #DEFAULT_CONNECT_API_URL}, the Service Strimzi creates.
   */
  public static final String CONNECT_API_URL = "TWINLOG_CONNECT_API_URL";

  /** Default for {@link #CONNECT_API_URL}. */
  public static final String DEFAULT_CONNECT_API_URL =
      "http://{connectCluster}-connect-api.{namespace}.svc:8083";

  /** Milliseconds between two status sweeps of one Connect cluster (jittered by +-20%). */
  public static final String CONNECT_POLL_INTERVAL_MS = "TWINLOG_CONNECT_POLL_INTERVAL_MS";

  /** Default for {@link #CONNECT_POLL_INTERVAL_MS}: 5 s. */
  public static final long DEFAULT_CONNECT_POLL_INTERVAL_MS = 5_000;

  /** Default for {@link #HTTP_PORT}. */
  public static final int DEFAULT_HTTP_PORT = 8080;

  /** Prometheus scrape path of the operator. */
  public static final String METRICS_PATH = "/metrics";

  /** Liveness probe path: 200 while the operator's event loop is alive. */
  public static final String LIVENESS_PATH = "/livez";

  /**
   * Readiness probe path: 200 once the informers have synced (and, with leader election, always).
   */
  public static final String READINESS_PATH = "/readyz";
}
