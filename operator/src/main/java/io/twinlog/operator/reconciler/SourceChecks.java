package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.twinlog.operator.api.v1alpha1.BinlogRetentionSpec;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CredentialsSpec;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.health.RestartPolicy;
import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceCheckRequest;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.source.SourceChecker;
import io.twinlog.operator.status.RetentionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks each pipeline's replicas (binlog retention, preflight) every {@code
 * binlogRetention.checkEvery}, off the reconcile thread: a check is started by a reconciliation,
 * runs on the {@link SourceChecker}'s pool, and its completion triggers the next reconciliation,
 * which reads the result. The last result per pipeline is kept in memory like an informer cache:
 * after an operator restart the first reconciliation simply checks again.
 */
final class SourceChecks implements AutoCloseable {

  private record State(
      long generation,
      Instant startedAt,
      boolean running,
      RetentionObservation observation,
      Map<String, SourceCheckResult> results) {}

  /**
   * The last completed check (or null), when the next one is due, and the last result per replica
   * (empty before the first check, or when no check could start).
   */
  record Seen(
      RetentionObservation observation,
      Instant nextCheckAt,
      Map<String, SourceCheckResult> results) {}

  /**
   * While a replica could not be reached, it is checked again this often (unless checkEvery is
   * shorter), so a replica that returns does not stay reported for a whole checkEvery.
   */
  static final Duration UNREACHABLE_RECHECK = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final SourceChecker checker;
  private final SimpleInboundEventSource<CdcPipeline> completions =
      new SimpleInboundEventSource<>("source-checks");
  private final Map<ResourceID, State> states = new ConcurrentHashMap<>();

  SourceChecks(KubernetesClient client, SourceChecker checker) {
    this.client = client;
    this.checker = checker;
  }

  /** The event source through which completed checks trigger reconciliations. */
  SimpleInboundEventSource<CdcPipeline> eventSource() {
    return completions;
  }

  /** Starts a check when one is due and returns what the last completed check found. */
  Seen observe(CdcPipeline pipeline, Instant now) {
    ResourceID id = ResourceID.fromResource(pipeline);
    long generation = Objects.requireNonNullElse(pipeline.getMetadata().getGeneration(), 0L);
    BinlogRetentionSpec retention = pipeline.getSpec().getSource().getBinlogRetention();
    State state = states.get(id);
    Duration every = Durations.parse(retention.getCheckEvery());
    if (state != null
        && state.results().values().stream().anyMatch(SourceChecks::unreachable)
        && UNREACHABLE_RECHECK.compareTo(every) < 0) {
      every = UNREACHABLE_RECHECK;
    }
    boolean due =
        state == null
            || (!state.running() && state.generation() != generation)
            || (!state.running() && !now.isBefore(state.startedAt().plus(every)));
    if (due) {
      RetentionObservation previous = state == null ? null : state.observation();
      Map<String, SourceCheckResult> results = state == null ? Map.of() : state.results();
      states.put(id, new State(generation, now, true, previous, results));
      start(pipeline, id, generation, now);
      state = states.get(id);
    }
    return new Seen(state.observation(), state.startedAt().plus(every), state.results());
  }

  /** Whether a result says the operator could not reach or log in to the replica at all. */
  static boolean unreachable(SourceCheckResult result) {
    return result.sourceFindings().stream()
        .anyMatch(f -> f.severity() != Severity.INFO && UNREACHABLE.contains(f.reason()));
  }

  /** Findings that mean "the operator could not talk to the replica". */
  static final Set<FindingReason> UNREACHABLE =
      Set.of(FindingReason.UNREACHABLE, FindingReason.DNS_FAILURE, FindingReason.TIMEOUT);

  /** Forgets a deleted pipeline. */
  void forget(CdcPipeline pipeline) {
    states.remove(ResourceID.fromResource(pipeline));
  }

  /** What a PostgreSQL pipeline's retention condition says until its slot guard exists. */
  static final String POSTGRES_NOT_CHECKED =
      "PostgreSQL replicas are not checked: binlog retention does not apply to them, and Twinlog"
          + " does not watch their replication slots yet (docs/concepts/postgresql.md).";

  private void start(CdcPipeline pipeline, ResourceID id, long generation, Instant startedAt) {
    if (!pipeline.getSpec().getSource().getType().binlog()) {
      // The binlog probe would only report a PostgreSQL server as unreachable or wrong.
      states.put(
          id,
          new State(
              generation,
              startedAt,
              false,
              new RetentionObservation(null, Map.of(), null, POSTGRES_NOT_CHECKED),
              Map.of()));
      return;
    }
    List<SourceCheckRequest> requests;
    try {
      requests = requests(pipeline);
    } catch (IllegalStateException | KubernetesClientException e) {
      // Known at once: this reconciliation reads it, no event needed.
      states.put(
          id,
          new State(
              generation,
              startedAt,
              false,
              new RetentionObservation(null, Map.of(), null, e.getMessage()),
              Map.of()));
      return;
    }
    Duration minimum = requests.get(0).minimumRetention();
    List<CompletableFuture<SourceCheckResult>> futures =
        requests.stream().map(checker::check).toList();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              List<SourceCheckResult> results =
                  futures.stream().map(CompletableFuture::join).toList();
              Map<String, SourceCheckResult> byReplica = new LinkedHashMap<>();
              results.forEach(r -> byReplica.put(r.replicaName(), r));
              finish(id, generation, startedAt, observation(results, minimum), byReplica);
            });
  }

  private void finish(
      ResourceID id,
      long generation,
      Instant startedAt,
      RetentionObservation observation,
      Map<String, SourceCheckResult> results) {
    states.put(id, new State(generation, startedAt, false, observation, Map.copyOf(results)));
    completions.propagateEvent(id);
  }

  /** One request per replica, with the credentials read from the pipeline's Secret. */
  private List<SourceCheckRequest> requests(CdcPipeline pipeline) {
    var source = pipeline.getSpec().getSource();
    CredentialsSpec credentials = source.getCredentials();
    String namespace = pipeline.getMetadata().getNamespace();
    Secret secret =
        credentials == null || credentials.getSecretName() == null
            ? null
            : client.secrets().inNamespace(namespace).withName(credentials.getSecretName()).get();
    if (secret == null) {
      throw new IllegalStateException(
          "Cannot check the replicas: the credentials Secret "
              + (credentials == null ? "(spec.source.credentials)" : credentials.getSecretName())
              + " does not exist in namespace "
              + namespace
              + ".");
    }
    String user = value(secret, credentials.getUsernameKey());
    String password = value(secret, credentials.getPasswordKey());
    BinlogRetentionSpec retention = source.getBinlogRetention();
    // The retention must outlast the worst outage the restart policy lets pass unnoticed.
    Duration minimum =
        max(
            Durations.parse(retention.getMinimum()),
            RestartPolicy.from(pipeline.getSpec().getRestartPolicy()).maxBackoff());
    Set<Long> serverIds =
        source.getReplicas().stream()
            .map(ReplicaSpec::getServerId)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    return source.getReplicas().stream()
        .map(
            r ->
                new SourceCheckRequest(
                    r.getName(),
                    r.getHost(),
                    source.port(r),
                    user,
                    password,
                    minimum,
                    serverIds,
                    Boolean.TRUE.equals(retention.getEnforce()),
                    null,
                    null))
        .toList();
  }

  private static String value(Secret secret, String key) {
    String value = SecretReader.decode(secret, key);
    if (value != null) {
      return value;
    }
    throw new IllegalStateException(
        "Cannot check the replicas: the credentials Secret "
            + secret.getMetadata().getName()
            + " has no key "
            + key
            + ".");
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * What the checks of all replicas mean for {@code BinlogRetentionOk}: a pure function. Unknown
   * (ok = null) when a replica's retention could not be read; else false when one is too short.
   */
  static RetentionObservation observation(List<SourceCheckResult> results, Duration minimum) {
    Map<String, String> byReplica = new LinkedHashMap<>();
    for (SourceCheckResult result : results) {
      result
          .retention()
          .ifPresent(
              d ->
                  byReplica.put(
                      result.replicaName(), d.isZero() ? "unlimited" : Durations.format(d)));
    }
    String worst =
        results.stream()
            .map(SourceCheckResult::retention)
            .flatMap(java.util.Optional::stream)
            .filter(d -> !d.isZero())
            .min(Comparator.naturalOrder())
            .map(Durations::format)
            .orElse(byReplica.isEmpty() ? null : "unlimited");
    boolean unknown = results.stream().anyMatch(r -> r.retention().isEmpty());
    boolean ok = results.stream().allMatch(SourceCheckResult::retentionOk);
    String problems =
        results.stream()
            .flatMap(
                r ->
                    r.findings().stream()
                        .filter(f -> f.reason().isRetention() || r.retention().isEmpty())
                        .filter(f -> f.severity() != io.twinlog.operator.source.Severity.INFO)
                        .map(Finding::message)
                        .map(m -> r.replicaName() + ": " + m))
            .collect(Collectors.joining(" "));
    if (unknown) {
      return new RetentionObservation(
          null,
          byReplica,
          worst,
          problems.isEmpty() ? "A replica's retention is unknown." : problems);
    }
    return ok
        ? new RetentionObservation(
            true,
            byReplica,
            worst,
            "Every replica keeps its binlog at least " + Durations.format(minimum) + ".")
        : new RetentionObservation(false, byReplica, worst, problems);
  }

  @Override
  public void close() {
    checker.close();
  }
}
