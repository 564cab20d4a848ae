package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.PipelineState;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.RestartAnnotations;
import io.twinlog.operator.health.RestartDecision;
import io.twinlog.operator.health.RestartHistory;
import io.twinlog.operator.health.RestartPolicy;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.operator.status.DedupObservation;
import io.twinlog.operator.status.Observation;
import io.twinlog.operator.status.Reasons;
import io.twinlog.operator.status.SinkObservation;
import io.twinlog.operator.status.SourceObservation;
import io.twinlog.operator.status.StatusAggregator;
import io.twinlog.operator.validation.SpecValidator;
import io.twinlog.operator.validation.ValidationError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** The reconciler's steps that talk to the pure packages: validate, desired, observe + restart. */
final class PipelineStep {
  private final KubernetesClient client;
  private final EventRecorder events;

  PipelineStep(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
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

  /** A Warning Event when binlog retention turns too short (once per transition). */
  void announceRetention(CdcPipeline pipeline, CdcPipelineStatus previous, CdcPipelineStatus next) {
    Condition now =
        Conditions.find(next.getConditions(), ConditionTypes.BINLOG_RETENTION_OK).orElse(null);
    boolean wasFalse =
        Conditions.find(
                previous == null ? null : previous.getConditions(),
                ConditionTypes.BINLOG_RETENTION_OK)
            .map(c -> "False".equals(c.getStatus()))
            .orElse(false);
    if (now != null && "False".equals(now.getStatus()) && !wasFalse) {
      events.warning(pipeline, now.getReason(), now.getMessage());
    }
  }

  /** The desired state, grouped for the applier. */
  DesiredResources desired(CdcPipeline pipeline, OperatorSettings settings) {
    return DesiredResources.of(pipeline, settings.dedupImage(), settings.dedupImagePullPolicy());
  }

  /**
   * Reads each connector's health, lets the restart policy decide, performs restarts (annotation +
   * Event), reports new unrecoverable failures (Event), and collects the observation.
   */
  Observed observeAndRestart(
      CdcPipeline pipeline,
      DesiredResources desired,
      Context<CdcPipeline> context,
      InformerEventSource<KafkaConnector, CdcPipeline> connectorCache,
      CdcPipelineStatus previous,
      SourceChecks.Seen checked,
      SourceStalls.Seen stalls,
      Instant now) {
    RestartPolicy policy = RestartPolicy.from(pipeline.getSpec().getRestartPolicy());
    Map<String, KafkaConnector> actual = new HashMap<>();
    context
        .getSecondaryResources(KafkaConnector.class)
        .forEach(kc -> actual.put(kc.getMetadata().getName(), kc));
    List<Instant> rechecks = new ArrayList<>();
    rechecks.add(checked.nextCheckAt());
    rechecks.add(stalls.nextCheckAt());

    List<SourceObservation> sources = new ArrayList<>();
    for (int i = 0; i < desired.sourceConnectors().size(); i++) {
      String replica = desired.replicaNames().get(i);
      String name = desired.sourceConnectors().get(i).getMetadata().getName();
      SourceStatus before = StatusAggregator.previousSourceOf(previous, replica);
      RestartDecision decision =
          act(
              pipeline,
              replica,
              actual.get(name),
              policy,
              StatusAggregator.history(before),
              before == null ? null : before.getReason(),
              stalls.of(replica),
              connectorCache,
              now);
      rechecks.add(decision.recheckAt());
      sources.add(
          new SourceObservation(replica, name, ConnectorHealth.of(actual.get(name)), decision));
    }

    SinkObservation sink = null;
    if (desired.sinkConnector() != null) {
      String name = desired.sinkConnector().getMetadata().getName();
      var before = previous == null ? null : previous.getSink();
      RestartDecision decision =
          act(
              pipeline,
              "sink",
              actual.get(name),
              policy,
              StatusAggregator.history(before),
              sinkReason(previous),
              null,
              connectorCache,
              now);
      rechecks.add(decision.recheckAt());
      sink = new SinkObservation(name, ConnectorHealth.of(actual.get(name)), decision);
    }

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
            new DedupObservation(ready, desired.desiredDedupInstances()),
            sink,
            checked.observation());
    return new Observed(observation, rechecks);
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
      RestartPolicy policy,
      RestartHistory history,
      String previousReason,
      Failure stall,
      InformerEventSource<KafkaConnector, CdcPipeline> cache,
      Instant now) {
    ConnectorHealth health = ConnectorHealth.of(connector);
    RestartDecision decision = policy.decide(health, history, now, stall);
    // A paused or stopped pipeline is not restarted: Connect reports it as it was asked.
    if (pipeline.getSpec().getState() != null
        && pipeline.getSpec().getState() != PipelineState.RUNNING
        && decision instanceof RestartDecision.Restart) {
      return new RestartDecision.NotFailing(history);
    }
    switch (decision) {
      case RestartDecision.Restart restart -> {
        var annotation = RestartAnnotations.forFailure(restart.failure());
        KafkaConnector patched =
            client
                .resources(KafkaConnector.class)
                .inNamespace(connector.getMetadata().getNamespace())
                .withName(connector.getMetadata().getName())
                .edit(
                    kc -> {
                      Map<String, String> annotations =
                          new HashMap<>(
                              Objects.requireNonNullElse(
                                  kc.getMetadata().getAnnotations(), Map.of()));
                      annotations.put(annotation.getKey(), annotation.getValue());
                      kc.getMetadata().setAnnotations(annotations);
                      return kc;
                    });
        cache.handleRecentResourceUpdate(ResourceID.fromResource(patched), patched, connector);
        events.normal(
            pipeline,
            "ConnectorRestarted",
            part
                + " ("
                + connector.getMetadata().getName()
                + "): restarted "
                + restart.failure().target()
                + " (restart "
                + restart.history().consecutiveRestarts()
                + " in a row, "
                + restart.history().restarts()
                + " in total): "
                + restart.failure().summary());
      }
      case RestartDecision.Unrecoverable u -> {
        if (!u.failure().kind().reason().equals(previousReason)) {
          events.warning(
              pipeline,
              u.failure().kind().reason(),
              part
                  + " ("
                  + connector.getMetadata().getName()
                  + "): "
                  + u.failure().summary()
                  + ". "
                  + u.failure().kind().action());
        }
      }
      case RestartDecision.Exhausted e -> {
        if (!Reasons.RESTARTS_EXHAUSTED.equals(previousReason)) {
          events.warning(
              pipeline,
              Reasons.RESTARTS_EXHAUSTED,
              part
                  + " ("
                  + connector.getMetadata().getName()
                  + "): gave up after "
                  + e.history().consecutiveRestarts()
                  + " consecutive restarts: "
                  + e.failure().summary());
        }
      }
      default -> {}
    }
    return decision;
  }
}
