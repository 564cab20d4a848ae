package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.DeadLetterStatus;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** The reconciler's steps that talk to the pure packages: validate, desired, observe + restart. */
final class PipelineStep {
  private final KubernetesClient client;
  private final EventRecorder events;
  private final ConnectorRestarter restarter;

  PipelineStep(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
    this.restarter = new ConnectorRestarter(client, events);
  }

  /**
   * The Secrets the spec references that are not among {@code existing}, by the part that reads
   * them. The dedup runtime's own KafkaUser Secret is left out: Strimzi's User Operator writes it
   * after the KafkaUser exists, so its absence is a start, not a mistake.
   */
  static MissingSecrets missingSecrets(CdcPipeline pipeline, Set<String> existing) {
    Set<String> dedup = new java.util.LinkedHashSet<>(SecretRotation.dedupSecrets(pipeline));
    dedup.remove(ResourceNames.dedupKafkaUser(pipeline));
    return MissingSecrets.of(
        SecretRotation.sourceSecrets(pipeline),
        dedup,
        SecretRotation.sinkSecrets(pipeline),
        existing);
  }

  /** A Warning Event when Ready turns to SecretMissing, or names other Secrets than before. */
  void announceSecretMissing(
      CdcPipeline pipeline, CdcPipelineStatus previous, CdcPipelineStatus status) {
    Condition now = Conditions.find(status.getConditions(), ConditionTypes.READY).orElse(null);
    if (now == null || !Reasons.SECRET_MISSING.equals(now.getReason())) {
      return;
    }
    Condition before =
        Conditions.find(previous == null ? null : previous.getConditions(), ConditionTypes.READY)
            .orElse(null);
    if (before != null
        && Reasons.SECRET_MISSING.equals(before.getReason())
        && Objects.equals(before.getMessage(), now.getMessage())) {
      return;
    }
    events.warning(pipeline, Reasons.SECRET_MISSING, now.getMessage());
  }

  /** The validation message naming each bad field, or null when the spec is valid. */
  String validate(CdcPipeline pipeline) {
    List<ValidationError> errors = SpecValidator.validate(pipeline);
    if (errors.isEmpty()) {
      return null;
    }
    return "Invalid spec, nothing was created or changed: "
        + errors.stream()
            .map(e -> e.field() + ": " + e.message())
            .collect(Collectors.joining("; "));
  }

  /** A Warning Event, once per distinct invalid spec (not on every resync). */
  void announceInvalid(CdcPipeline pipeline, CdcPipelineStatus previous, String message) {
    boolean alreadyReported =
        Conditions.find(previous == null ? null : previous.getConditions(), ConditionTypes.READY)
            .filter(c -> Reasons.INVALID_SPEC.equals(c.getReason()))
            .map(Condition::getMessage)
            .filter(message::equals)
            .isPresent();
    if (!alreadyReported) {
      events.warning(pipeline, Reasons.INVALID_SPEC, message);
    }
  }

  /**
   * A Warning Event when binlog retention turns too short, or a PostgreSQL slot is lost or at risk
   * (once per transition, and again when the reason changes: SlotAtRisk, then SlotLost).
   */
  void announceRetention(CdcPipeline pipeline, CdcPipelineStatus previous, CdcPipelineStatus next) {
    for (String type :
        List.of(ConditionTypes.BINLOG_RETENTION_OK, ConditionTypes.WAL_RETENTION_OK)) {
      Condition now = Conditions.find(next.getConditions(), type).orElse(null);
      Condition before =
          Conditions.find(previous == null ? null : previous.getConditions(), type).orElse(null);
      boolean same =
          before != null
              && "False".equals(before.getStatus())
              && java.util.Objects.equals(before.getReason(), now == null ? null : now.getReason());
      if (now != null && "False".equals(now.getStatus()) && !same) {
        events.warning(pipeline, now.getReason(), now.getMessage());
      }
    }
  }

  /**
   * A Warning Event when a dead-letter topic has more records than the previous status said: each
   * is a change that did not reach the ERP, and nothing else in the status turns red for it.
   */
  void announceDeadLetters(
      CdcPipeline pipeline, CdcPipelineStatus previous, CdcPipelineStatus next) {
    announceDeadLetters(
        pipeline,
        "the dedup runtime",
        previous == null || previous.getDedup() == null
            ? null
            : previous.getDedup().getDeadLetters(),
        next.getDedup() == null ? null : next.getDedup().getDeadLetters());
    announceDeadLetters(
        pipeline,
        "the sink",
        previous == null || previous.getSink() == null ? null : previous.getSink().getDeadLetters(),
        next.getSink() == null ? null : next.getSink().getDeadLetters());
  }

  private void announceDeadLetters(
      CdcPipeline pipeline, String part, DeadLetterStatus before, DeadLetterStatus now) {
    long was = before == null || before.getCount() == null ? 0 : before.getCount();
    if (now == null || now.getCount() == null || now.getCount() <= was) {
      return;
    }
    events.warning(
        pipeline,
        Reasons.DEAD_LETTERED,
        (now.getCount() - was)
            + " new dead letter(s) from "
            + part
            + " on "
            + now.getTopic()
            + " ("
            + now.getCount()
            + " in all); the newest at "
            + now.getLastTime()
            + ": "
            + now.getLastError());
  }

  /** The desired state, grouped for the applier. */
  DesiredResources desired(
      CdcPipeline pipeline,
      OperatorSettings settings,
      Map<String, String> secretVersions,
      ConsistentStart.Plan start) {
    return DesiredResources.of(
        pipeline, settings.dedupImage(), settings.dedupImagePullPolicy(), secretVersions, start);
  }

  /**
   * Asks Strimzi to restart, once, each connector a rotated Secret is read by (they read {@code
   * ${secrets:...}} only when they start), with an Event.
   */
  void restartRotated(
      CdcPipeline pipeline, DesiredResources desired, Context<CdcPipeline> context) {
    Map<String, KafkaConnector> applied = new HashMap<>();
    context
        .getSecondaryResources(KafkaConnector.class)
        .forEach(kc -> applied.put(kc.getMetadata().getName(), kc));
    for (String name : SecretRotation.restartRotated(desired.connectors(), applied)) {
      events.normal(
          pipeline,
          Reasons.SECRETS_ROTATED,
          "A Secret that KafkaConnector "
              + name
              + " reads changed: asked Strimzi to restart it so it reads the new value.");
    }
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
   * Reads each connector's health (Connect's REST API when it answered recently, else Strimzi's
   * status), lets the restart policy decide, performs restarts (annotation + Event), reports new
   * unrecoverable failures, silences and anomalies (Event), and collects the observation.
   */
  Observed observeAndRestart(
      CdcPipeline pipeline,
      DesiredResources desired,
      Context<CdcPipeline> context,
      InformerEventSource<KafkaConnector, CdcPipeline> connectorCache,
      CdcPipelineStatus previous,
      SourceChecks.Seen checked,
      SourceSignals.Seen signals,
      ConnectStatuses.Seen connect,
      SourceStarts.Decision starts,
      Instant now) {
    RestartPolicy policy = RestartPolicy.from(pipeline.getSpec().getRestartPolicy());
    Map<String, KafkaConnector> actual = new HashMap<>();
    context
        .getSecondaryResources(KafkaConnector.class)
        .forEach(kc -> actual.put(kc.getMetadata().getName(), kc));
    List<Instant> rechecks = new ArrayList<>();
    rechecks.add(checked.nextCheckAt());
    rechecks.add(signals.nextCheckAt());

    List<SourceObservation> sources = new ArrayList<>();
    for (int i = 0; i < desired.sourceConnectors().size(); i++) {
      String replica = desired.replicaNames().get(i);
      String name = desired.sourceConnectors().get(i).getMetadata().getName();
      SourceStatus before = StatusAggregator.previousSourceOf(previous, replica);
      RestartHistory history = StatusAggregator.history(before);
      ConnectorHealth health = health(actual.get(name), connect.of(name), history);
      RestartDecision decision =
          act(
              pipeline,
              replica,
              actual.get(name),
              health,
              policy,
              history,
              before == null ? null : before.getReason(),
              // Held stopped on purpose in its start: not a stall to restart.
              starts.plan().of(replica).stopped() ? null : signals.of(replica),
              unfixedByRestart(checked.results().get(replica)),
              connectorCache,
              now);
      rechecks.add(decision.recheckAt());
      SourceProblem silence =
          signals.silent().containsKey(replica) && !starts.plan().of(replica).stopped()
              ? new SourceProblem(Reasons.SOURCE_SILENT, signals.silent().get(replica))
              : null;
      SourceProblem anomaly = anomaly(signals.anomalies().get(replica), pipeline);
      SourceProblem preflight =
          preflight(checked.results().get(replica), signals.lastHeartbeat().get(replica));
      announceProblems(pipeline, replica, name, before, previous, silence, anomaly);
      sources.add(
          new SourceObservation(
              replica,
              name,
              health,
              decision,
              silence,
              anomaly,
              preflight,
              phase(pipeline, replica, starts.plan(), signals.lastHeartbeat()),
              starts.plan().of(replica).step() != ConsistentStart.Step.DONE
                  ? new SourceProblem(Reasons.SEEDING, starts.details().get(replica))
                  : null));
    }

    SinkObservation sink = null;
    if (desired.sinkConnector() != null) {
      String name = desired.sinkConnector().getMetadata().getName();
      var before = previous == null ? null : previous.getSink();
      RestartHistory history = StatusAggregator.history(before);
      ConnectorHealth health = health(actual.get(name), connect.of(name), history);
      RestartDecision decision =
          act(
              pipeline,
              "sink",
              actual.get(name),
              health,
              policy,
              history,
              sinkReason(previous),
              null,
              null,
              connectorCache,
              now);
      rechecks.add(decision.recheckAt());
      String deadLetterTopic = ResourceNames.sinkDeadLetterTopic(pipeline);
      sink =
          new SinkObservation(
              name, health, decision, deadLetterTopic, signals.deadLetters().get(deadLetterTopic));
    }

    String fallback = connectFallback(connect);
    announceFallback(pipeline, previous, fallback);

    Deployment dedup =
        context.getSecondaryResources(Deployment.class).stream()
            .filter(d -> d.getMetadata().getName().equals(desired.dedup().getMetadata().getName()))
            .findFirst()
            .orElse(null);
    int ready =
        dedup == null || dedup.getStatus() == null || dedup.getStatus().getReadyReplicas() == null
            ? 0
            : dedup.getStatus().getReadyReplicas();
    PipelineState state =
        Objects.requireNonNullElse(pipeline.getSpec().getState(), PipelineState.RUNNING);
    Observation observation =
        new Observation(
            Objects.requireNonNullElse(pipeline.getMetadata().getGeneration(), 0L),
            state,
            sources,
            new DedupObservation(
                ready,
                desired.desiredDedupInstances(),
                ResourceNames.dedupDeadLetterTopic(pipeline),
                signals.deadLetters().get(ResourceNames.dedupDeadLetterTopic(pipeline))),
            sink,
            checked.observation(),
            fallback);
    return new Observed(observation, rechecks);
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

  /** How every Connect fallback note starts (the Event is sent once per note appearing). */
  static final String CONNECT_FALLBACK = "Connect's REST API is unreachable";

  private void announceFallback(CdcPipeline pipeline, CdcPipelineStatus previous, String note) {
    if (note == null) {
      return;
    }
    boolean noted =
        Conditions.find(
                previous == null ? null : previous.getConditions(), ConditionTypes.SOURCES_HEALTHY)
            .map(Condition::getMessage)
            .filter(m -> m != null && m.contains(CONNECT_FALLBACK))
            .isPresent();
    if (!noted) {
      events.warning(pipeline, Reasons.CONNECT_REST_UNREACHABLE, note);
    }
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
        .min(java.util.Comparator.comparing(Finding::severity))
        .map(
            f ->
                new SourceProblem(
                    f.reason().conditionReason(),
                    "source check at "
                        + result.checkedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + ": "
                        + f.message()))
        .orElse(null);
  }

  /** Source check findings no restart fixes, and what a failure caused by each is. */
  private static final Map<FindingReason, FailureKind> UNFIXED_BY_RESTART =
      Map.of(
          FindingReason.SLOT_LOST, FailureKind.SLOT_LOST,
          FindingReason.TLS_REQUIRED, FailureKind.TLS_REQUIRED,
          FindingReason.TLS_FAILED, FailureKind.TLS_FAILED);

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

  /** A Warning Event when a source turns silent, and one per new anomaly. */
  private void announceProblems(
      CdcPipeline pipeline,
      String replica,
      String connector,
      SourceStatus before,
      CdcPipelineStatus previous,
      SourceProblem silence,
      SourceProblem anomaly) {
    // The SourcesHealthy message names every held problem of every source (StatusAggregator), so a
    // problem it already names was announced.
    String said =
        Conditions.find(
                previous == null ? null : previous.getConditions(), ConditionTypes.SOURCES_HEALTHY)
            .map(Condition::getMessage)
            .orElse("");
    for (SourceProblem problem : java.util.Arrays.asList(silence, anomaly)) {
      if (problem != null && !said.contains(problem.detail())) {
        events.warning(
            pipeline, problem.reason(), replica + " (" + connector + "): " + problem.detail());
      }
    }
  }

  private static String sinkReason(CdcPipelineStatus previous) {
    return Conditions.find(
            previous == null ? null : previous.getConditions(), ConditionTypes.SINK_READY)
        .map(Condition::getReason)
        .orElse(null);
  }

  private RestartDecision act(
      CdcPipeline pipeline,
      String part,
      KafkaConnector connector,
      ConnectorHealth health,
      RestartPolicy policy,
      RestartHistory history,
      String previousReason,
      Failure stall,
      Failure unfixed,
      InformerEventSource<KafkaConnector, CdcPipeline> cache,
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
    // A paused or stopped pipeline is not restarted: Connect reports it as it was asked.
    if (pipeline.getSpec().getState() != null
        && pipeline.getSpec().getState() != PipelineState.RUNNING
        && decision instanceof RestartDecision.Restart) {
      return new RestartDecision.NotFailing(history);
    }
    restarter.perform(pipeline, part, connector, decision, previousReason, cache);
    return decision;
  }
}
