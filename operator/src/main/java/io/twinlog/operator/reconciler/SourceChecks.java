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
import io.twinlog.operator.api.v1alpha1.PublicationAutocreate;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.health.RestartPolicy;
import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.PostgresCheckRequest;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceCheckRequest;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.source.SourceChecker;
import io.twinlog.operator.source.SourceTls;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Reasons;
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
import java.util.function.Function;
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
      Map<String, SourceCheckResult> results) {

    /** The same, with another observation (the WAL heartbeat's state folded in). */
    Seen withObservation(RetentionObservation other) {
      return new Seen(other, nextCheckAt, results);
    }
  }

  /**
   * While a replica could not be reached (or its slot did not exist yet), it is checked again this
   * often (unless checkEvery is shorter), so a replica that returns does not stay reported for a
   * whole checkEvery.
   */
  static final Duration UNREACHABLE_RECHECK = Duration.ofSeconds(30);

  /**
   * How often the replicas are checked while a source waits for its replica's binlog to reach its
   * seed position ({@link #soon}): a consistent start or re-seed should not wait a checkEvery.
   */
  static final Duration SEED_RECHECK = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final SourceChecker checker;
  private final SimpleInboundEventSource<CdcPipeline> completions =
      new SimpleInboundEventSource<>("source-checks");
  private final Map<ResourceID, State> states = new ConcurrentHashMap<>();
  private final Set<ResourceID> soon = ConcurrentHashMap.newKeySet();

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
        && state.results().values().stream().anyMatch(SourceChecks::recheckSoon)
        && UNREACHABLE_RECHECK.compareTo(every) < 0) {
      every = UNREACHABLE_RECHECK;
    }
    if (state != null && soon.contains(id)) {
      every = SEED_RECHECK;
    }
    boolean due =
        state == null
            || (!state.running() && state.generation() != generation)
            || (!state.running() && !now.isBefore(state.startedAt().plus(every)));
    if (due) {
      soon.remove(id);
    }
    if (due) {
      RetentionObservation previous = state == null ? null : state.observation();
      Map<String, SourceCheckResult> results = state == null ? Map.of() : state.results();
      states.put(id, new State(generation, now, true, previous, results));
      start(pipeline, id, generation, now);
      state = states.get(id);
    }
    RetentionObservation seen = state.observation();
    if (seen == null && !pipeline.getSpec().getSource().getType().binlog()) {
      // Says which condition a PostgreSQL pipeline has, even before its first check completes.
      seen = WAL_NOT_CHECKED;
    }
    return new Seen(seen, state.startedAt().plus(every), state.results());
  }

  /** A PostgreSQL pipeline's observation before its first check has completed. */
  static final RetentionObservation WAL_NOT_CHECKED =
      new RetentionObservation(
          null,
          Map.of(),
          null,
          "The replication slots have not been checked yet.",
          ConditionTypes.WAL_RETENTION_OK,
          Reasons.NOT_CHECKED);

  /**
   * Whether a replica is checked again within {@link #UNREACHABLE_RECHECK}: it could not be
   * reached, or its connector had not created its PostgreSQL slot yet (the guard has nothing to
   * show until it has).
   */
  static boolean recheckSoon(SourceCheckResult result) {
    return unreachable(result) || result.has(FindingReason.SLOT_MISSING);
  }

  /** Whether a result says the operator could not reach or log in to the replica at all. */
  static boolean unreachable(SourceCheckResult result) {
    return result.sourceFindings().stream()
        .anyMatch(f -> f.severity() != Severity.INFO && UNREACHABLE.contains(f.reason()));
  }

  /** Findings that mean "the operator could not talk to the replica". */
  static final Set<FindingReason> UNREACHABLE =
      Set.of(FindingReason.UNREACHABLE, FindingReason.DNS_FAILURE, FindingReason.TIMEOUT);

  /**
   * Checks the pipeline's replicas again within {@link #SEED_RECHECK} of the last check, once (a
   * reconciliation must come then to start it: the caller reschedules one).
   */
  void soon(CdcPipeline pipeline) {
    soon.add(ResourceID.fromResource(pipeline));
  }

  /** Forgets a deleted pipeline. */
  void forget(CdcPipeline pipeline) {
    soon.remove(ResourceID.fromResource(pipeline));
    states.remove(ResourceID.fromResource(pipeline));
  }

  private void start(CdcPipeline pipeline, ResourceID id, long generation, Instant startedAt) {
    boolean binlog = pipeline.getSpec().getSource().getType().binlog();
    List<CompletableFuture<SourceCheckResult>> futures;
    Function<List<SourceCheckResult>, RetentionObservation> observe;
    try {
      if (binlog) {
        List<SourceCheckRequest> requests = requests(pipeline);
        Duration minimum = requests.get(0).minimumRetention();
        futures = requests.stream().map(checker::check).toList();
        observe = results -> observation(results, minimum);
      } else {
        // PostgreSQL: its own probe, its own condition (WalRetentionOk).
        futures = postgresRequests(pipeline).stream().map(checker::check).toList();
        observe = SourceChecks::walObservation;
      }
    } catch (IllegalStateException | KubernetesClientException e) {
      // Known at once: this reconciliation reads it, no event needed.
      RetentionObservation failed =
          binlog
              ? new RetentionObservation(null, Map.of(), null, e.getMessage())
              : new RetentionObservation(
                  null,
                  Map.of(),
                  null,
                  e.getMessage(),
                  ConditionTypes.WAL_RETENTION_OK,
                  Reasons.CHECK_FAILED);
      states.put(id, new State(generation, startedAt, false, failed, Map.of()));
      return;
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              List<SourceCheckResult> results =
                  futures.stream().map(CompletableFuture::join).toList();
              Map<String, SourceCheckResult> byReplica = new LinkedHashMap<>();
              results.forEach(r -> byReplica.put(r.replicaName(), r));
              finish(id, generation, startedAt, observe.apply(results), byReplica);
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

  /** One PostgreSQL request per replica, for the slot Twinlog derives for it. */
  static List<PostgresCheckRequest> postgresRequests(CdcPipeline pipeline, Credentials login) {
    var source = pipeline.getSpec().getSource();
    var postgres = source.postgresOrDefaults();
    return source.getReplicas().stream()
        .map(
            r ->
                new PostgresCheckRequest(
                    r.getName(),
                    r.getHost(),
                    source.port(r),
                    login.user(),
                    login.password(),
                    source.getInclude().getDatabases().getFirst(),
                    ResourceNames.replicationSlot(pipeline, r.getName()),
                    postgres.getPublication(),
                    source.getInclude().getTables(),
                    postgres.getPublicationAutocreate() == PublicationAutocreate.FILTERED,
                    null,
                    null,
                    login.tls()))
        .toList();
  }

  private List<PostgresCheckRequest> postgresRequests(CdcPipeline pipeline) {
    return postgresRequests(pipeline, credentials(pipeline));
  }

  /**
   * The replication user's name and password, as read from the pipeline's Secret, and how to
   * protect the connection ({@code spec.source.tls}, with the CA read from its Secret).
   */
  record Credentials(String user, String password, SourceTls tls) {
    @Override
    public String toString() {
      return "Credentials[user=" + user + ", password=***, tls=" + tls + "]";
    }
  }

  /** The pipeline's replication user, read from its Secret; throws when it cannot be read. */
  Credentials credentials(CdcPipeline pipeline) {
    CredentialsSpec credentials = pipeline.getSpec().getSource().getCredentials();
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
    return new Credentials(
        value(secret, credentials.getUsernameKey()),
        value(secret, credentials.getPasswordKey()),
        tls(pipeline));
  }

  /** {@code spec.source.tls} with its CA's PEM; throws when the CA Secret cannot be read. */
  private SourceTls tls(CdcPipeline pipeline) {
    SourceTlsSpec tls = pipeline.getSpec().getSource().getTls();
    if (tls == null) {
      return SourceTls.DEFAULT;
    }
    if (tls.getCaSecretName() == null || !tls.getMode().verifies()) {
      return new SourceTls(tls.getMode(), null);
    }
    String namespace = pipeline.getMetadata().getNamespace();
    Secret secret = client.secrets().inNamespace(namespace).withName(tls.getCaSecretName()).get();
    if (secret == null) {
      throw new IllegalStateException(
          "Cannot check the replicas: the CA Secret "
              + tls.getCaSecretName()
              + " (spec.source.tls.caSecretName) does not exist in namespace "
              + namespace
              + ".");
    }
    return new SourceTls(tls.getMode(), value(secret, tls.getCaKey()));
  }

  /** One request per replica, with the credentials read from the pipeline's Secret. */
  private List<SourceCheckRequest> requests(CdcPipeline pipeline) {
    var source = pipeline.getSpec().getSource();
    Credentials login = credentials(pipeline);
    String user = login.user();
    String password = login.password();
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
                    null,
                    login.tls()))
        .toList();
  }

  private static String value(Secret secret, String key) {
    String value = SecretReader.decode(secret, key);
    if (value != null) {
      return value;
    }
    throw new IllegalStateException(
        "Cannot check the replicas: the Secret "
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

  /**
   * What the checks of a PostgreSQL pipeline's replicas mean for {@code WalRetentionOk}: a pure
   * function. Unknown when a replica could not be read; False with the worst slot finding's reason
   * (SlotLost before SlotAtRisk, ...) when one slot is lost or at risk; True otherwise. Per replica
   * and in the printer column: the WAL the slot retains (the most of all replicas in the column).
   */
  static RetentionObservation walObservation(List<SourceCheckResult> results) {
    Map<String, String> byReplica = new LinkedHashMap<>();
    long most = -1;
    for (SourceCheckResult result : results) {
      var retained =
          result.postgres() == null
              ? java.util.Optional.<Long>empty()
              : result.postgres().retainedWalBytes();
      if (retained.isPresent()) {
        byReplica.put(result.replicaName(), bytes(retained.get()));
        most = Math.max(most, retained.get());
      }
    }
    String worst = most < 0 ? null : bytes(most);
    List<String> unreadable =
        results.stream()
            .filter(r -> r.postgres() == null)
            .map(SourceCheckResult::replicaName)
            .toList();
    java.util.Optional<Finding> problem =
        results.stream()
            .flatMap(r -> r.retentionFindings().stream())
            .filter(f -> f.severity() != io.twinlog.operator.source.Severity.INFO)
            .min(Comparator.comparing(Finding::severity));
    String problems =
        results.stream()
            .flatMap(
                r ->
                    r.retentionFindings().stream()
                        .filter(f -> f.severity() != io.twinlog.operator.source.Severity.INFO)
                        .map(f -> r.replicaName() + ": " + f.message()))
            .collect(Collectors.joining(" "));
    if (problem.isPresent()) {
      return new RetentionObservation(
          false,
          byReplica,
          worst,
          problems,
          ConditionTypes.WAL_RETENTION_OK,
          problem.get().reason().conditionReason());
    }
    if (!unreadable.isEmpty()) {
      return new RetentionObservation(
          null,
          byReplica,
          worst,
          "Could not read the replication slots of " + String.join(", ", unreadable) + ".",
          ConditionTypes.WAL_RETENTION_OK,
          Reasons.CHECK_FAILED);
    }
    return new RetentionObservation(
        true,
        byReplica,
        worst,
        byReplica.isEmpty()
            ? "No replication slot exists yet; each connector creates its own when it starts."
            : "Every replica's replication slot keeps the WAL its connector needs.",
        ConditionTypes.WAL_RETENTION_OK,
        Reasons.WAL_RETAINED);
  }

  /** Bytes the way PostgreSQL's pg_size_pretty writes them: 512kB, 16MB, 2GB. */
  static String bytes(long bytes) {
    String[] units = {"bytes", "kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = 0;
    while (value >= 10 * 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return Math.round(value) + (unit == 0 ? " bytes" : units[unit]);
  }

  @Override
  public void close() {
    checker.close();
  }
}
