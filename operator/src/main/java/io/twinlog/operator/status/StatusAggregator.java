package io.twinlog.operator.status;

import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.ConnectorStatus;
import io.twinlog.operator.api.v1alpha1.DeadLetterStatus;
import io.twinlog.operator.api.v1alpha1.DedupStatus;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.SinkStatus;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.api.v1alpha1.TaskStatus;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.FailureKind;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.observe.DeadLetterReading;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Computes a CdcPipeline's status from what the reconciler observed, as a pure function: same
 * inputs, same status, and {@code lastTransitionTime} moves only when a condition's status does.
 */
public final class StatusAggregator {
  private StatusAggregator() {}

  private static final String TRUE = "True";
  private static final String FALSE = "False";
  private static final String UNKNOWN = "Unknown";

  /** Ready and what is computed from it alone; replaced together, never kept from before. */
  private static final java.util.Set<String> DERIVED_FROM_READY =
      java.util.Set.of(ConditionTypes.READY, ConditionTypes.RECONCILING, ConditionTypes.STALLED);

  /** The status for an observed, valid pipeline. */
  public static CdcPipelineStatus aggregate(
      Observation observation, CdcPipelineStatus previous, Instant now) {
    long generation = observation.generation();
    List<SourceStatus> sources = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    SourceVerdict worst = null;
    int healthy = 0;
    for (SourceObservation source : observation.sources()) {
      SourceVerdict verdict = SourceVerdict.of(source);
      if (verdict.reason() == null) {
        healthy++;
      } else {
        problems.add(
            source.replica()
                + " ("
                + source.connectorName()
                + "): "
                + verdict.detail()
                + also(source.anomaly(), verdict)
                + also(source.silence(), verdict));
        if (worst == null || verdict.rank() > worst.rank()) {
          worst = verdict;
        }
      }
      String measured =
          observation.retention() == null
              ? null
              : observation.retention().retentionByReplica().get(source.replica());
      sources.add(
          sourceStatus(source, verdict, previousSource(previous, source.replica()), measured));
    }
    int total = observation.sources().size();
    String fallback =
        observation.connectFallback() == null ? "" : " " + observation.connectFallback();
    String sourceNotes =
        fallback
            + (observation.heartbeatsUnread() == null ? "" : " " + observation.heartbeatsUnread());
    Condition sourcesHealthy =
        worst == null
            ? Conditions.of(
                ConditionTypes.SOURCES_HEALTHY,
                TRUE,
                Reasons.ALL_SOURCES_RUNNING,
                "All " + total + " source connectors run." + sourceNotes,
                generation)
            : Conditions.of(
                ConditionTypes.SOURCES_HEALTHY,
                FALSE,
                worst.reason(),
                healthy + "/" + total + " sources healthy. " + joined(problems) + sourceNotes,
                generation);

    DedupObservation dedup = observation.dedup();
    boolean dedupFull = dedup.readyInstances() >= dedup.desiredInstances();
    Condition dedupReady =
        Conditions.of(
            ConditionTypes.DEDUP_READY,
            dedupFull ? TRUE : FALSE,
            dedupFull ? Reasons.INSTANCES_READY : Reasons.DEDUP_NOT_READY,
            dedup.readyInstances() + "/" + dedup.desiredInstances() + " dedup instances ready.",
            generation);

    SinkObservation sink = observation.sink();
    SinkStatus sinkStatus = null;
    Condition sinkReady;
    boolean sinkOk;
    if (sink == null) {
      sinkOk = true;
      sinkReady =
          Conditions.of(
              ConditionTypes.SINK_READY,
              TRUE,
              Reasons.NOT_CONFIGURED,
              "The pipeline has no sink (spec.sink).",
              generation);
    } else {
      SourceVerdict verdict = SourceVerdict.of(sink.health(), sink.decision());
      sinkOk = verdict.reason() == null;
      sinkReady =
          Conditions.of(
              ConditionTypes.SINK_READY,
              sinkOk ? TRUE : FALSE,
              sinkOk ? Reasons.CONNECTOR_RUNNING : verdict.reason(),
              sink.connectorName() + ": " + verdict.detail() + fallback,
              generation);
      sinkStatus = sinkStatus(sink, previous == null ? null : previous.getSink());
    }

    Condition retention = retentionCondition(observation.retention(), previous, generation);
    Condition ready =
        readyCondition(observation, healthy, total, worst, problems, dedup, sinkOk, sinkReady);

    int restarts =
        sources.stream().mapToInt(s -> zeroIfNull(s.getRestarts())).sum()
            + (sinkStatus == null ? 0 : zeroIfNull(sinkStatus.getRestarts()));
    List<Condition> parts = List.of(sourcesHealthy, dedupReady, sinkReady, retention);
    List<Condition> all = new ArrayList<>();
    all.add(ready);
    all.addAll(parts);
    all.addAll(Kstatus.conditions(ready, parts));
    List<Condition> conditions =
        Conditions.merge(previous == null ? null : previous.getConditions(), all, now);
    DeadLetterStatus dedupDeadLetters =
        deadLetters(
            dedup.deadLetterTopic(),
            dedup.deadLetters(),
            previous == null || previous.getDedup() == null
                ? null
                : previous.getDedup().getDeadLetters());
    return new CdcPipelineStatus()
        .withObservedGeneration(generation)
        .withConditions(conditions)
        .withSources(sources)
        .withDedup(
            new DedupStatus()
                .withReadyInstances(dedup.readyInstances())
                .withDesiredInstances(dedup.desiredInstances())
                .withDeadLetters(dedupDeadLetters))
        .withSink(sinkStatus)
        .withDeadLetters(total(dedupDeadLetters, sinkStatus))
        .withSourcesReady(healthy + "/" + total)
        .withDedupReady(dedup.readyInstances() + "/" + dedup.desiredInstances())
        .withSinkState(sink == null ? "None" : title(sink.health().state()))
        .withRestarts(restarts)
        .withRetention(
            observation.retention() != null
                ? observation.retention().worst()
                : previous == null ? null : previous.getRetention());
  }

  /**
   * The status for a spec that failed validation: Ready=False InvalidSpec with the message, the
   * rest of the previous status kept (nothing was changed, so nothing else is known to differ).
   */
  public static CdcPipelineStatus invalid(
      String message, long generation, CdcPipelineStatus previous, Instant now) {
    return withReady(
        previous,
        Conditions.of(ConditionTypes.READY, FALSE, Reasons.INVALID_SPEC, message, generation),
        generation,
        now);
  }

  /** The status when applying failed: Ready=False ReconcileFailed, the rest kept. */
  public static CdcPipelineStatus failed(
      String message, long generation, CdcPipelineStatus previous, Instant now) {
    return withReady(
        previous,
        Conditions.of(ConditionTypes.READY, FALSE, Reasons.RECONCILE_FAILED, message, generation),
        generation,
        now);
  }

  private static CdcPipelineStatus withReady(
      CdcPipelineStatus previous, Condition ready, long generation, Instant now) {
    List<Condition> kept = new ArrayList<>();
    if (previous != null && previous.getConditions() != null) {
      previous.getConditions().stream()
          .filter(c -> !DERIVED_FROM_READY.contains(c.getType()))
          .forEach(kept::add);
    }
    List<Condition> next = new ArrayList<>();
    next.add(ready);
    next.addAll(kept);
    next.addAll(Kstatus.conditions(ready, kept));
    CdcPipelineStatus base = previous == null ? new CdcPipelineStatus() : copy(previous);
    return base.withObservedGeneration(generation)
        .withConditions(
            Conditions.merge(previous == null ? null : previous.getConditions(), next, now));
  }

  private static CdcPipelineStatus copy(CdcPipelineStatus s) {
    CdcPipelineStatus copy = new CdcPipelineStatus();
    copy.setPendingSlotDrops(s.getPendingSlotDrops());
    return copy.withObservedGeneration(s.getObservedGeneration())
        .withConditions(s.getConditions())
        .withSources(s.getSources())
        .withDedup(s.getDedup())
        .withSink(s.getSink())
        .withSourcesReady(s.getSourcesReady())
        .withDedupReady(s.getDedupReady())
        .withSinkState(s.getSinkState())
        .withRestarts(s.getRestarts())
        .withRetention(s.getRetention())
        .withDeadLetters(s.getDeadLetters());
  }

  private static Condition readyCondition(
      Observation observation,
      int healthy,
      int total,
      SourceVerdict worst,
      List<String> problems,
      DedupObservation dedup,
      boolean sinkOk,
      Condition sinkReady) {
    long generation = observation.generation();
    if (observation.state() == PipelineState.PAUSED) {
      return Conditions.of(
          ConditionTypes.READY,
          FALSE,
          Reasons.PAUSED,
          "spec.state is paused: the connectors are paused and nothing is delivered.",
          generation);
    }
    if (observation.state() == PipelineState.STOPPED) {
      return Conditions.of(
          ConditionTypes.READY,
          FALSE,
          Reasons.STOPPED,
          "spec.state is stopped: the connectors are stopped and nothing is delivered.",
          generation);
    }
    MissingSecrets missing = observation.missingSecrets();
    if (healthy == 0) {
      return notReady(
          Reasons.NO_HEALTHY_SOURCE,
          "No source connector runs (0/" + total + "). " + joined(problems),
          missing.sources(),
          generation);
    }
    if (dedup.readyInstances() == 0) {
      return notReady(
          Reasons.DEDUP_NOT_READY,
          "No dedup instance is ready (0/" + dedup.desiredInstances() + ").",
          missing.dedup(),
          generation);
    }
    if (!sinkOk) {
      return notReady(Reasons.SINK_NOT_READY, sinkReady.getMessage(), missing.sink(), generation);
    }
    List<String> degraded = new ArrayList<>();
    if (worst != null) {
      degraded.add(healthy + "/" + total + " sources healthy: " + joined(problems));
    }
    if (dedup.readyInstances() < dedup.desiredInstances()) {
      degraded.add(
          dedup.readyInstances() + "/" + dedup.desiredInstances() + " dedup instances ready.");
    }
    return degraded.isEmpty()
        ? Conditions.of(
            ConditionTypes.READY,
            TRUE,
            Reasons.DELIVERING,
            "Delivering: " + total + "/" + total + " sources, all dedup instances, sink running.",
            generation)
        : Conditions.of(
            ConditionTypes.READY,
            TRUE,
            Reasons.DEGRADED,
            "Delivering, degraded: " + joined(degraded),
            generation);
  }

  /**
   * Ready=False for a part that is down: with {@code reason}, unless a Secret the part reads is
   * missing, which is then the reason and the first thing the message says.
   */
  private static Condition notReady(
      String reason, String message, List<String> missingSecrets, long generation) {
    String missing = MissingSecrets.describe(missingSecrets);
    return missing == null
        ? Conditions.of(ConditionTypes.READY, FALSE, reason, message, generation)
        : Conditions.of(
            ConditionTypes.READY,
            FALSE,
            Reasons.SECRET_MISSING,
            Character.toUpperCase(missing.charAt(0)) + missing.substring(1) + " " + message,
            generation);
  }

  private static Condition retentionCondition(
      RetentionObservation retention, CdcPipelineStatus previous, long generation) {
    String type =
        retention == null ? ConditionTypes.BINLOG_RETENTION_OK : retention.conditionType();
    boolean notChecked =
        retention == null
            || (retention.ok() == null && Reasons.NOT_CHECKED.equals(retention.reason()));
    if (notChecked && previous != null) {
      // No check has finished since this operator started (a restart, a new leader): the last
      // result, kept in the status, stands until a new check replaces it. Reporting NotChecked
      // meanwhile would rewrite every pipeline's status twice on each operator restart.
      java.util.Optional<Condition> last = Conditions.find(previous.getConditions(), type);
      if (last.isPresent()) {
        return Conditions.of(
            type,
            last.get().getStatus(),
            last.get().getReason(),
            last.get().getMessage(),
            generation);
      }
    }
    if (retention == null) {
      return Conditions.of(
          type,
          UNKNOWN,
          Reasons.NOT_CHECKED,
          "Binlog retention has not been checked yet.",
          generation);
    }
    if (retention.ok() == null) {
      return Conditions.of(
          type,
          UNKNOWN,
          java.util.Objects.requireNonNullElse(retention.reason(), Reasons.CHECK_FAILED),
          retention.message(),
          generation);
    }
    String reason =
        retention.reason() != null
            ? retention.reason()
            : retention.ok() ? Reasons.RETENTION_SUFFICIENT : Reasons.RETENTION_TOO_SHORT;
    return Conditions.of(
        type, retention.ok() ? TRUE : FALSE, reason, retention.message(), generation);
  }

  private static SourceStatus previousSource(CdcPipelineStatus previous, String replica) {
    if (previous == null || previous.getSources() == null) {
      return null;
    }
    return previous.getSources().stream()
        .filter(s -> replica.equals(s.getName()))
        .findFirst()
        .orElse(null);
  }

  private static SourceStatus sourceStatus(
      SourceObservation source, SourceVerdict verdict, SourceStatus previous, String retention) {
    Failure stall = stall(source.decision());
    SourceStatus status =
        new SourceStatus()
            .withName(source.replica())
            .withPhase(source.phase())
            .withRetention(
                retention != null ? retention : previous == null ? null : previous.getRetention())
            .withStalled(stall == null ? null : Boolean.TRUE);
    return connector(
        status,
        source.connectorName(),
        source.health(),
        source.decision(),
        verdict.reason(),
        stall != null
            ? stall.summary()
            : problem(source, verdict) != null
                ? problem(source, verdict)
                : lastError(source.health(), previous == null ? null : previous.getLastError()));
  }

  /**
   * Fills the part every connector's status shares: Connect's state, the restart bookkeeping the
   * next reconciliation reads back ({@link #history}), the reason it does not deliver, its error.
   */
  private static <S extends ConnectorStatus> S connector(
      S status,
      String connectorName,
      ConnectorHealth health,
      RestartDecision decision,
      String reason,
      String lastError) {
    RestartHistory history = decision.history();
    status.setConnectorName(connectorName);
    status.setState(stateOrNull(health));
    status.setTasks(tasks(health));
    status.setRestarts(history.restarts());
    status.setConsecutiveRestarts(history.consecutiveRestarts());
    status.setLastRestartTime(time(history.lastRestartTime()));
    status.setReason(reason);
    status.setLastError(lastError);
    return status;
  }

  /** A held problem the verdict does not already show, so the message names every one. */
  private static String also(SourceProblem problem, SourceVerdict verdict) {
    return problem == null || problem.reason().equals(verdict.reason())
        ? ""
        : "; " + problem.detail();
  }

  /** The detail of the verdict when an anomaly or silence decided it, else null. */
  private static String problem(SourceObservation source, SourceVerdict verdict) {
    boolean byProblem =
        (source.anomaly() != null && source.anomaly().reason().equals(verdict.reason()))
            || (source.preflight() != null && source.preflight().reason().equals(verdict.reason()))
            || (source.silence() != null && source.silence().reason().equals(verdict.reason()));
    return byProblem ? verdict.detail() : null;
  }

  /** The stall behind a decision, or null when the decision is not about a stall. */
  private static Failure stall(RestartDecision decision) {
    Failure failure =
        switch (decision) {
          case RestartDecision.Restart r -> r.failure();
          case RestartDecision.Wait w -> w.failure();
          case RestartDecision.Exhausted e -> e.failure();
          default -> null;
        };
    return failure != null && failure.kind() == FailureKind.STALLED ? failure : null;
  }

  /**
   * A dead-letter topic's status: the fresh reading, else the previous status' (the reader has not
   * caught up yet after an operator restart, or Kafka cannot be reached), else none.
   */
  static DeadLetterStatus deadLetters(
      String topic, DeadLetterReading reading, DeadLetterStatus previous) {
    if (reading == null) {
      return previous;
    }
    return new DeadLetterStatus()
        .withTopic(topic)
        .withCount(reading.count())
        .withLastTime(time(reading.lastAt()))
        .withLastError(reading.lastError());
  }

  /** Both parts' dead letters, or null when neither is known. */
  private static Long total(DeadLetterStatus dedup, SinkStatus sink) {
    DeadLetterStatus ofSink = sink == null ? null : sink.getDeadLetters();
    if ((dedup == null || dedup.getCount() == null)
        && (ofSink == null || ofSink.getCount() == null)) {
      return null;
    }
    return count(dedup) + count(ofSink);
  }

  private static long count(DeadLetterStatus status) {
    return status == null || status.getCount() == null ? 0 : status.getCount();
  }

  /**
   * The status block of a sink connector (a CdcPipeline's, an ErpWebhook's): state, tasks, restart
   * bookkeeping, last error and the reason it does not deliver, with its dead letters when read.
   */
  public static SinkStatus sinkStatus(SinkObservation sink, SinkStatus previous) {
    SinkStatus status =
        new SinkStatus()
            .withDeadLetters(
                deadLetters(
                    sink.deadLetterTopic(),
                    sink.deadLetters(),
                    previous == null ? null : previous.getDeadLetters()));
    return connector(
        status,
        sink.connectorName(),
        sink.health(),
        sink.decision(),
        SourceVerdict.of(sink.health(), sink.decision()).reason(),
        lastError(sink.health(), previous == null ? null : previous.getLastError()));
  }

  /** The restart bookkeeping a connector's previous status holds (none when absent). */
  public static RestartHistory history(ConnectorStatus status) {
    return status == null
        ? RestartHistory.none()
        : new RestartHistory(
            zeroIfNull(status.getRestarts()),
            zeroIfNull(status.getConsecutiveRestarts()),
            parse(status.getLastRestartTime()));
  }

  /** The previous status entry of a replica, or null. */
  public static SourceStatus previousSourceOf(CdcPipelineStatus previous, String replica) {
    return previousSource(previous, replica);
  }

  private static Instant parse(String time) {
    try {
      return time == null ? null : Instant.parse(time);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String lastError(ConnectorHealth health, String previous) {
    Optional<Failure> failure = health.decisiveFailure();
    if (failure.isPresent()) {
      return failure.get().summary();
    }
    return health.notReadyMessage() != null ? health.notReadyMessage() : previous;
  }

  private static String stateOrNull(ConnectorHealth health) {
    return ConnectorHealth.UNKNOWN.equals(health.state()) ? null : health.state();
  }

  private static List<TaskStatus> tasks(ConnectorHealth health) {
    return health.tasks().isEmpty()
        ? null
        : health.tasks().stream()
            .sorted(Comparator.comparingInt(t -> t.id()))
            .map(t -> new TaskStatus().withId(t.id()).withState(t.state()))
            .toList();
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String title(String state) {
    if (ConnectorHealth.UNKNOWN.equals(state)) {
      return "Pending";
    }
    return state.charAt(0) + state.substring(1).toLowerCase(Locale.ROOT);
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }

  /**
   * Several replicas' (or parts') messages in one condition message: separated so that one
   * message's end does not run into the next one's start.
   */
  static String joined(List<String> messages) {
    return String.join(
            "; ", messages.stream().map(m -> m.strip().replaceAll("[.;]+$", "")).toList())
        + (messages.isEmpty() ? "" : ".");
  }
}
