package io.twinlog.operator.reconciler;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.desired.ConsistentStart;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SecretRotation;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.FailureKind;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.RestartPolicy;
import io.twinlog.operator.health.SourceAnomalies;
import io.twinlog.operator.observe.ConnectReading;
import io.twinlog.operator.source.Finding;
import io.twinlog.operator.source.FindingReason;
import io.twinlog.operator.source.Severity;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.operator.status.DedupObservation;
import io.twinlog.operator.status.MissingSecrets;
import io.twinlog.operator.status.Observation;
import io.twinlog.operator.status.Reasons;
import io.twinlog.operator.status.SinkObservation;
import io.twinlog.operator.status.SourceObservation;
import io.twinlog.operator.status.SourceProblem;
import io.twinlog.operator.status.StatusAggregator;
import io.twinlog.operator.validation.SpecValidator;
import io.twinlog.operator.validation.ValidationError;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The decide step: from what a reconciliation observed ({@link PipelineView}) and the desired
 * state, what to do about each connector (restart, wait, report), which Events to record, and the
 * observation the status is computed from. Pure: it reads nothing and changes nothing, so every
 * rule (the restart policy, a paused pipeline left alone, a failure no restart fixes, an Event told
 * once) is a unit test away.
 */
final class PipelineDecisions {
  private PipelineDecisions() {}

  /**
   * What the act step carries out for one connector.
   *
   * @param part what the connector is to the pipeline, for its Events ("replica-a", "sink")
   * @param previousReason the reason the status gave this part before, so a report is not repeated
   */
  record ConnectorAct(
      String part, KafkaConnector connector, RestartDecision decision, String previousReason) {}

  /**
   * Everything decided.
   *
   * @param acts one per connector that exists
   * @param recheckAt the moments the operator must look again (nulls ignored)
   */
  record Decided(
      Observation observation,
      List<ConnectorAct> acts,
      List<Announcement> announcements,
      List<Instant> recheckAt) {

    /** The nearest recheck as a delay from {@code now} (at least one second), if any. */
    Optional<Duration> recheckAfter(Instant now) {
      return recheckAfter(now, recheckAt);
    }

    /** The nearest of {@code moments} (nulls ignored) as a delay from {@code now}, at least 1 s. */
    static Optional<Duration> recheckAfter(Instant now, List<Instant> moments) {
      return moments.stream()
          .filter(Objects::nonNull)
          .min(Instant::compareTo)
          .map(at -> Duration.between(now, at))
          .map(d -> d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d);
    }
  }

  /** How every Connect fallback note starts (the Event is sent once per note appearing). */
  static final String CONNECT_FALLBACK = "Connect's REST API is unreachable";

  /** Source check findings no restart fixes, and what a failure caused by each is. */
  private static final Map<FindingReason, FailureKind> UNFIXED_BY_RESTART =
      Map.of(
          FindingReason.SLOT_LOST, FailureKind.SLOT_LOST,
          FindingReason.TLS_REQUIRED, FailureKind.TLS_REQUIRED,
          FindingReason.TLS_FAILED, FailureKind.TLS_FAILED);

  /** The validation message naming each bad field, or null when the spec is valid. */
  static String invalid(CdcPipeline pipeline) {
    List<ValidationError> errors = SpecValidator.validate(pipeline);
    if (errors.isEmpty()) {
      return null;
    }
    return "Invalid spec, nothing was created or changed: "
        + errors.stream()
            .map(e -> e.field() + ": " + e.message())
            .collect(Collectors.joining("; "));
  }

  /**
   * Restarts, once, each connector a rotated Secret is read by (they read {@code ${secrets:...}}
   * only when they start): Strimzi's restart annotation goes into {@code desired} ({@link
   * SecretRotation#restartRotated}), and an Event says why.
   *
   * @param applied the connectors as applied before, by name
   */
  static List<Announcement> restartRotated(
      DesiredResources desired, Map<String, KafkaConnector> applied) {
    return SecretRotation.restartRotated(desired.connectors(), applied).stream()
        .map(
            name ->
                Announcement.normal(
                    Reasons.SECRETS_ROTATED,
                    "A Secret that KafkaConnector "
                        + name
                        + " reads changed: asked Strimzi to restart it so it reads the new value."))
        .toList();
  }

  /** Decides about every source and the sink, and gathers the observation for the status. */
  static Decided decide(CdcPipeline pipeline, DesiredResources desired, PipelineView view) {
    RestartPolicy policy = RestartPolicy.from(pipeline.getSpec().getRestartPolicy());
    CdcPipelineStatus previous = view.previous();
    List<ConnectorAct> acts = new ArrayList<>();
    List<Announcement> announcements = new ArrayList<>();
    List<Instant> rechecks = new ArrayList<>();
    rechecks.add(view.checked().nextCheckAt());
    rechecks.add(view.signals().nextCheckAt());
    String said = conditionMessage(previous, ConditionTypes.SOURCES_HEALTHY);

    List<SourceObservation> sources = new ArrayList<>();
    for (DesiredResources.Source source : desired.sources()) {
      String replica = source.replica();
      ConsistentStart.Start start = view.starts().plan().of(replica);
      SourceCheckResult check = view.checked().results().get(replica);
      KafkaConnector connector = view.connectors().get(source.connectorName());
      SourceStatus before = StatusAggregator.previousSourceOf(previous, replica);
      RestartHistory history = StatusAggregator.history(before);
      ConnectorHealth health =
          health(connector, view.connect().of(source.connectorName()), history);
      // A source held stopped on purpose in its start is neither stalled nor silent.
      boolean held = start.stopped();
      RestartDecision decision =
          restartDecision(
              pipeline,
              policy,
              health,
              history,
              held ? null : view.signals().stalls().get(replica),
              unfixedByRestart(check),
              view.now());
      rechecks.add(decision.recheckAt());
      if (connector != null) {
        acts.add(
            new ConnectorAct(
                replica, connector, decision, before == null ? null : before.getReason()));
      }
      String silent = held ? null : view.signals().silent().get(replica);
      SourceProblem silence =
          silent == null ? null : new SourceProblem(Reasons.SOURCE_SILENT, silent);
      SourceProblem anomaly = anomaly(view.signals().anomalies().get(replica), pipeline);
      // The SourcesHealthy message names every held problem of every source (StatusAggregator),
      // so a problem it already names was told.
      Stream.of(silence, anomaly)
          .filter(p -> p != null && !said.contains(p.detail()))
          .forEach(
              p ->
                  announcements.add(
                      Announcement.warning(
                          p.reason(),
                          replica + " (" + source.connectorName() + "): " + p.detail())));
      sources.add(
          new SourceObservation(
              replica,
              source.connectorName(),
              health,
              decision,
              silence,
              anomaly,
              check == null
                  ? carriedPreflight(before, view.signals().lastHeartbeat().get(replica))
                  : preflight(check, view.signals().lastHeartbeat().get(replica)),
              phase(pipeline, replica, view.starts().plan(), view.signals().lastHeartbeat()),
              start.step() != ConsistentStart.Step.DONE
                  ? new SourceProblem(Reasons.SEEDING, view.starts().details().get(replica))
                  : null));
    }

    SinkObservation sink = null;
    if (desired.sinkConnector() != null) {
      String name = desired.sinkConnector().getMetadata().getName();
      KafkaConnector connector = view.connectors().get(name);
      RestartHistory history =
          StatusAggregator.history(previous == null ? null : previous.getSink());
      ConnectorHealth health = health(connector, view.connect().of(name), history);
      RestartDecision decision =
          restartDecision(pipeline, policy, health, history, null, null, view.now());
      rechecks.add(decision.recheckAt());
      if (connector != null) {
        acts.add(
            new ConnectorAct(
                "sink",
                connector,
                decision,
                Conditions.find(
                        previous == null ? null : previous.getConditions(),
                        ConditionTypes.SINK_READY)
                    .map(Condition::getReason)
                    .orElse(null)));
      }
      String deadLetterTopic = ResourceNames.sinkDeadLetterTopic(pipeline);
      sink =
          new SinkObservation(
              name,
              health,
              decision,
              deadLetterTopic,
              view.signals().deadLetters().get(deadLetterTopic));
    }

    String fallback = connectFallback(view.connect());
    if (fallback != null && !said.contains(CONNECT_FALLBACK)) {
      announcements.add(Announcement.warning(Reasons.CONNECT_REST_UNREACHABLE, fallback));
    }
    String unread = view.signals().unread();
    if (unread != null && !said.contains(SourceSignals.HEARTBEATS_UNREAD)) {
      announcements.add(Announcement.warning(Reasons.HEARTBEATS_UNREAD, unread));
    }

    String dedupDeadLetters = ResourceNames.dedupDeadLetterTopic(pipeline);
    Observation observation =
        new Observation(
            Objects.requireNonNullElse(pipeline.getMetadata().getGeneration(), 0L),
            Objects.requireNonNullElse(pipeline.getSpec().getState(), PipelineState.RUNNING),
            sources,
            new DedupObservation(
                view.dedupReady(),
                desired.desiredDedupInstances(),
                dedupDeadLetters,
                view.signals().deadLetters().get(dedupDeadLetters)),
            sink,
            view.checked().observation(),
            fallback,
            missingSecrets(pipeline, view.existingSecrets()),
            unread);
    return new Decided(observation, acts, announcements, rechecks);
  }

  /**
   * What to do about one connector: the restart policy's decision, overridden when the source check
   * found what no restart fixes, and never a restart of a paused or stopped pipeline (Connect
   * reports it as it was asked).
   *
   * @param stall the source's stall, or null
   * @param unfixed a failure the source check found that no restart fixes, or null
   */
  static RestartDecision restartDecision(
      CdcPipeline pipeline,
      RestartPolicy policy,
      ConnectorHealth health,
      RestartHistory history,
      Failure stall,
      Failure unfixed,
      Instant now) {
    RestartDecision decision = policy.decide(health, history, now, stall);
    // A lost slot is final whatever Connect says: Debezium retries a lost slot for 30 minutes
    // while reporting RUNNING, and every restart of it asks for the same missing WAL. TLS that
    // does not fit makes a failing connector fail again at every restart; a running one is left
    // alone (the check may be older than a fix).
    if (unfixed != null
        && (unfixed.kind() == FailureKind.SLOT_LOST
            || decision instanceof RestartDecision.Restart
            || decision instanceof RestartDecision.Wait)) {
      decision = new RestartDecision.Unrecoverable(unfixed, history);
    }
    if (pipeline.getSpec().getState() != null
        && pipeline.getSpec().getState() != PipelineState.RUNNING
        && decision instanceof RestartDecision.Restart) {
      return new RestartDecision.NotFailing(history);
    }
    return decision;
  }

  /**
   * The Secrets the spec references that are not among {@code existing}, by the part that reads
   * them. The dedup runtime's own KafkaUser Secret is left out: Strimzi's User Operator writes it
   * after the KafkaUser exists, so its absence is a start, not a mistake.
   */
  static MissingSecrets missingSecrets(CdcPipeline pipeline, Set<String> existing) {
    Set<String> dedup = new LinkedHashSet<>(SecretRotation.dedupSecrets(pipeline));
    dedup.remove(ResourceNames.dedupKafkaUser(pipeline));
    return MissingSecrets.of(
        SecretRotation.sourceSecrets(pipeline),
        dedup,
        SecretRotation.sinkSecrets(pipeline),
        existing);
  }

  /**
   * A connector's health: Connect's own answer when there is a fresh one (a 404 means Strimzi has
   * not created it yet, so only Strimzi's NotReady message is kept), else Strimzi's status. An
   * answer older than the last restart does not show that restart's effect yet: it counts as a
   * restart still pending, so one failure is never restarted twice.
   */
  static ConnectorHealth health(
      KafkaConnector connector, ConnectReading reading, RestartHistory history) {
    ConnectorHealth strimzi = ConnectorHealth.of(connector);
    if (reading == null || connector == null) {
      return strimzi;
    }
    ConnectorHealth rest =
        ConnectorHealth.fromConnect(
            reading.status(), strimzi.notReadyMessage(), strimzi.restartPending());
    // The status keeps restart times in whole seconds: an answer from the restart's own second may
    // predate it.
    Instant lastRestart = history.lastRestartTime();
    return lastRestart != null && reading.at().isBefore(lastRestart.plusSeconds(1))
        ? rest.withRestartPending()
        : rest;
  }

  /** The note for the conditions when Connect's REST API could not be read, else null. */
  static String connectFallback(ConnectStatuses.Seen connect) {
    if (connect.unreachable() == null) {
      return null;
    }
    return CONNECT_FALLBACK
        + " at "
        + connect.url()
        + " ("
        + connect.unreachable()
        + "): connector health comes from Strimzi's KafkaConnector status, which Strimzi refreshes"
        + " only when it reconciles (every 2 minutes by default).";
  }

  /**
   * A source's phase: Seeding until it is set to the leader's position (consistent start), else
   * Streaming once its heartbeats flow, Snapshotting before that when its snapshot mode takes a
   * data snapshot (Debezium beats only while it streams), else unknown.
   */
  static String phase(
      CdcPipeline pipeline,
      String replica,
      ConsistentStart.Plan plan,
      Map<String, Instant> lastHeartbeat) {
    ConsistentStart.Start start = plan.of(replica);
    if (start.step() != ConsistentStart.Step.DONE) {
      return start.phase().value();
    }
    if (lastHeartbeat.containsKey(replica)) {
      return ConsistentStart.Phase.STREAMING.value();
    }
    return switch (pipeline.getSpec().getSource().getSnapshot().getMode()) {
      case INITIAL, INITIAL_ONLY, WHEN_NEEDED, ALWAYS -> ConsistentStart.Phase.SNAPSHOTTING.value();
      default -> null;
    };
  }

  /**
   * The worst non-retention finding of a replica's last source check (missing grants, binlog
   * format, GTID mode, unreachable, ...), or null. "Unreachable" is dropped once the source wrote a
   * heartbeat after the check: Connect evidently reaches the replica again.
   */
  static SourceProblem preflight(SourceCheckResult result, Instant lastHeartbeat) {
    if (result == null) {
      return null;
    }
    return result.sourceFindings().stream()
        .filter(f -> f.severity() != Severity.INFO)
        .filter(
            f ->
                !(SourceChecks.UNREACHABLE.contains(f.reason())
                    && lastHeartbeat != null
                    && lastHeartbeat.isAfter(result.checkedAt())))
        .min(Comparator.comparing(Finding::severity))
        .map(
            f ->
                new SourceProblem(
                    f.reason().conditionReason(),
                    CHECKED_AT
                        + result.checkedAt().truncatedTo(ChronoUnit.SECONDS)
                        + ": "
                        + f.message()))
        .orElse(null);
  }

  /** How a preflight problem's detail starts, followed by the check's time and ": ". */
  static final String CHECKED_AT = "source check at ";

  /** The condition reasons of the source check's non-retention findings. */
  private static final Set<String> PREFLIGHT_REASONS =
      Stream.of(FindingReason.values())
          .filter(r -> !r.isRetention())
          .map(FindingReason::conditionReason)
          .collect(Collectors.toUnmodifiableSet());

  /**
   * The preflight problem the status showed for a replica no check has answered for yet (the
   * operator restarted, or a new leader took over: results live in memory), so a replica's finding
   * does not vanish and come back with the next check. Null when the status showed none, or an
   * "unreachable" finding that a heartbeat newer than its check contradicts.
   */
  static SourceProblem carriedPreflight(SourceStatus before, Instant lastHeartbeat) {
    if (before == null
        || before.getReason() == null
        || !PREFLIGHT_REASONS.contains(before.getReason())
        || before.getLastError() == null
        || !before.getLastError().startsWith(CHECKED_AT)) {
      return null;
    }
    String detail = before.getLastError();
    int end = detail.indexOf(": ", CHECKED_AT.length());
    if (end < 0) {
      return null;
    }
    Instant checkedAt;
    try {
      checkedAt = Instant.parse(detail.substring(CHECKED_AT.length(), end));
    } catch (RuntimeException e) {
      return null;
    }
    boolean unreachable =
        SourceChecks.UNREACHABLE.stream()
            .anyMatch(r -> r.conditionReason().equals(before.getReason()));
    if (unreachable && lastHeartbeat != null && lastHeartbeat.isAfter(checkedAt)) {
      return null;
    }
    return new SourceProblem(before.getReason(), detail);
  }

  /**
   * What the replica's last source check found that no restart fixes, as a failure: its slot lost
   * (PostgreSQL invalidated it, docs/concepts/postgresql.md), or TLS that does not fit the replica
   * (docs/concepts/security.md). Null when it found none.
   */
  static Failure unfixedByRestart(SourceCheckResult result) {
    if (result == null) {
      return null;
    }
    return result.findings().stream()
        .filter(f -> UNFIXED_BY_RESTART.containsKey(f.reason()))
        .findFirst()
        .map(
            f ->
                new Failure(
                    0,
                    "the source check found: " + f.message(),
                    UNFIXED_BY_RESTART.get(f.reason())))
        .orElse(null);
  }

  /** The status problem for a held anomaly, or null. */
  private static SourceProblem anomaly(DedupAnomalyRecord record, CdcPipeline pipeline) {
    if (record == null) {
      return null;
    }
    String hold = pipeline.getSpec().getDedup().getAnomalyHold();
    Instant at = Instant.ofEpochMilli(record.atMs());
    return new SourceProblem(
        Reasons.forAnomalyKind(record.kind()),
        "the dedup runtime reported "
            + record.kind()
            + " at "
            + at
            + ": "
            + record.message()
            + (record.gtids().isEmpty() ? "" : " (GTIDs " + String.join(", ", record.gtids()) + ")")
            + "; unhealthy until "
            + SourceAnomalies.until(record, Durations.parse(hold))
            + " (spec.dedup.anomalyHold "
            + hold
            + ")");
  }

  /** A condition's message in {@code status}, or "" when it has none. */
  static String conditionMessage(CdcPipelineStatus status, String type) {
    return Conditions.find(status == null ? null : status.getConditions(), type)
        .map(Condition::getMessage)
        .orElse("");
  }
}
