package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.SlotDropStatus;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SecretRotation;
import io.twinlog.operator.observe.ConnectStatusWatcher;
import io.twinlog.operator.observe.HeartbeatWatcher;
import io.twinlog.operator.source.SourceChecker;
import io.twinlog.operator.source.WalHeartbeats;
import io.twinlog.operator.status.Reasons;
import io.twinlog.operator.status.StatusAggregator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a CdcPipeline: validate; observe the Secrets, source checks and heartbeats; decide and
 * act on the sources' starts; apply the desired state; observe the connectors (Connect's REST API,
 * Strimzi's status) and the dedup Deployment into a {@link PipelineView}; decide ({@link
 * PipelineDecisions}, pure) what to restart and what to tell; act (Strimzi's restart annotations,
 * Events); report the status ({@link StatusAggregator}, pure) and the Events its change calls for
 * ({@link StatusAnnouncements}, pure). It only orchestrates.
 */
@ControllerConfiguration(
    name = CdcPipelineReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class CdcPipelineReconciler
    implements Reconciler<CdcPipeline>, Cleaner<CdcPipeline>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CdcPipelineReconciler.class);

  /** Controller name (also the field manager and finalizer prefix). */
  public static final String NAME = "cdcpipeline";

  private final KubernetesClient client;
  private final ConditionGauges gauges;
  private final Clock clock;
  private final OperatorSettings settings;
  private final EventRecorder events;
  private final Applier applier;
  private final ConnectorRestarter restarter;
  private final SourceChecks sourceChecks;
  private final SourceStarts sourceStarts;
  private final SlotDrops slotDrops;
  private final WalHeartbeatSchedule walHeartbeats;
  private final SourceSignals signals;
  private final SecretReader secrets;
  private final ConnectStatuses<CdcPipeline> connectStatuses;
  private OwnedCaches<CdcPipeline> caches;

  public CdcPipelineReconciler(KubernetesClient client, Clock clock, OperatorSettings settings) {
    this(client, clock, settings, new SimpleMeterRegistry());
  }

  /** A reconciler that exports each pipeline's conditions into {@code registry}. */
  public CdcPipelineReconciler(
      KubernetesClient client, Clock clock, OperatorSettings settings, MeterRegistry registry) {
    this.gauges = new ConditionGauges(registry);
    this.client = client;
    this.clock = clock;
    this.settings = settings;
    this.events = new EventRecorder(client, clock, settings.identity());
    this.applier = new Applier(client);
    this.restarter = new ConnectorRestarter(client, events);
    SourceChecker checker = new SourceChecker(SourceChecker.DEFAULT_THREADS, clock);
    this.sourceChecks = new SourceChecks(client, checker);
    this.sourceStarts = new SourceStarts(client, events);
    this.slotDrops = new SlotDrops(checker, sourceChecks, events);
    this.walHeartbeats =
        new WalHeartbeatSchedule(
            new WalHeartbeats(WalHeartbeats.DEFAULT_THREADS, clock), sourceChecks);
    this.secrets = new SecretReader(client);
    this.signals = new SourceSignals(new HeartbeatWatcher(), secrets);
    this.connectStatuses =
        new ConnectStatuses<>(
            new ConnectStatusWatcher(
                clock, settings.connectPollInterval(), ConnectStatusWatcher.DEFAULT_MAX_IN_FLIGHT),
            p -> ResourceNames.connectApiUrl(p, settings.connectApiUrl()));
  }

  @Override
  public List<EventSource<?, CdcPipeline>> prepareEventSources(
      EventSourceContext<CdcPipeline> context) {
    caches = OwnedCaches.of(context, CdcPipeline.class, OwnedCaches.KINDS);
    List<EventSource<?, CdcPipeline>> sources = new ArrayList<>(caches.all());
    sources.add(sourceChecks.eventSource());
    sources.add(walHeartbeats.eventSource());
    sources.add(signals.eventSource());
    sources.add(connectStatuses.eventSource());
    return sources;
  }

  @Override
  public UpdateControl<CdcPipeline> reconcile(CdcPipeline pipeline, Context<CdcPipeline> context) {
    Instant now = clock.instant();
    CdcPipelineStatus previous = pipeline.getStatus();
    long generation = Objects.requireNonNullElse(pipeline.getMetadata().getGeneration(), 0L);

    String invalid = PipelineDecisions.invalid(pipeline);
    if (invalid != null) {
      CdcPipelineStatus status = StatusAggregator.invalid(invalid, generation, previous, now);
      StatusAnnouncements.invalid(previous, invalid).ifPresent(a -> a.recordOn(events, pipeline));
      writeStatus(pipeline, previous, status, context);
      return UpdateControl.noUpdate();
    }

    // Observe what decides the sources' starts and the desired state: Secrets, checks, heartbeats.
    Map<String, String> secretVersions =
        secrets.versions(pipeline.getMetadata().getNamespace(), SecretRotation.all(pipeline));
    SourceChecks.Seen checked =
        walHeartbeats.observe(pipeline, sourceChecks.observe(pipeline, now), secretVersions, now);
    SourceSignals.Seen signalled = signals.observe(pipeline, now);
    // Decide and act on the starts (SourceStarts.decide is pure), then the desired state.
    SourceStarts.Decision starts =
        sourceStarts.advance(
            pipeline,
            List.copyOf(context.getSecondaryResources(KafkaConnector.class)),
            signalled,
            checked,
            previous,
            now);
    if (starts.recheckSoon()) {
      sourceChecks.soon(pipeline);
    }
    DesiredResources desired =
        DesiredResources.of(
            pipeline,
            settings.dedupImage(),
            settings.dedupImagePullPolicy(),
            secretVersions,
            starts.plan());
    List<Announcement> rotated =
        PipelineDecisions.restartRotated(desired, PipelineView.connectors(context));
    // Before the applier deletes a removed replica's connector: its config says where its slot is.
    List<SlotDropStatus> removedSlots =
        SlotDrops.hasSlots(pipeline)
            ? SlotDrops.pending(
                previous,
                context.getSecondaryResources(KafkaConnector.class),
                desired.connectors().stream()
                    .map(c -> c.getMetadata().getName())
                    .collect(Collectors.toSet()),
                now)
            : List.of();
    apply(pipeline, desired, context);
    rotated.forEach(a -> a.recordOn(events, pipeline));

    // Observe the running parts, decide about each connector, act, report.
    PipelineView view =
        PipelineView.read(
            pipeline,
            context,
            desired.dedup().getMetadata().getName(),
            checked,
            signalled,
            connectStatuses.observe(
                pipeline,
                desired.connectors().stream().map(c -> c.getMetadata().getName()).toList(),
                now),
            starts,
            secretVersions.keySet(),
            now);
    PipelineDecisions.Decided decided = PipelineDecisions.decide(pipeline, desired, view);
    decided
        .acts()
        .forEach(
            a ->
                restarter.perform(
                    pipeline,
                    a.part(),
                    a.connector(),
                    a.decision(),
                    a.previousReason(),
                    caches.connectors()));
    decided.announcements().forEach(a -> a.recordOn(events, pipeline));
    CdcPipelineStatus status = StatusAggregator.aggregate(decided.observation(), previous, now);
    List<SlotDropStatus> slotsLeft =
        removedSlots.isEmpty() ? List.of() : slotDrops.dropRemoved(pipeline, removedSlots, now);
    status.setPendingSlotDrops(slotsLeft.isEmpty() ? null : slotsLeft);
    StatusAnnouncements.of(previous, status).forEach(a -> a.recordOn(events, pipeline));
    writeStatus(pipeline, previous, status, context);
    return reschedule(decided.recheckAfter(now), slotsLeft, starts);
  }

  private void apply(CdcPipeline pipeline, DesiredResources desired, Context<CdcPipeline> context) {
    Applier.Result applied = caches.apply(applier, desired.all(), context);
    if (applied.created() + applied.updated() + applied.deleted() > 0) {
      LOG.info(
          "{}/{}: created {}, updated {}, deleted {}",
          pipeline.getMetadata().getNamespace(),
          pipeline.getMetadata().getName(),
          applied.created(),
          applied.updated(),
          applied.deleted());
    }
  }

  /** When to look again: the nearest recheck, sooner while slots drop or a start goes on. */
  private static UpdateControl<CdcPipeline> reschedule(
      Optional<Duration> recheck, List<SlotDropStatus> slotsLeft, SourceStarts.Decision starts) {
    if (!slotsLeft.isEmpty()) {
      // A removed replica's slot in use until its connector stops: look again soon.
      recheck = Optional.of(soonest(recheck, SlotDrops.RETRY));
    }
    if (starts.plan().starting()) {
      // A start moves on when Strimzi acts on an annotation or a source's heartbeat arrives, which
      // trigger no reconciliation of their own here, or when a replica's binlog reaches the seed.
      recheck = Optional.of(soonest(recheck, SourceChecks.SEED_RECHECK));
    }
    UpdateControl<CdcPipeline> control = UpdateControl.noUpdate();
    recheck.ifPresent(control::rescheduleAfter);
    return control;
  }

  private static Duration soonest(Optional<Duration> recheck, Duration bound) {
    return recheck.filter(d -> d.compareTo(bound) < 0).orElse(bound);
  }

  @Override
  public ErrorStatusUpdateControl<CdcPipeline> updateErrorStatus(
      CdcPipeline pipeline, Context<CdcPipeline> context, Exception e) {
    // Any step can fail here (reading the cluster, applying, observing): say which exception.
    String message =
        "Reconciliation failed (" + e.getClass().getSimpleName() + "): " + e.getMessage();
    CdcPipelineStatus previous = pipeline.getStatus();
    long generation = Objects.requireNonNullElse(pipeline.getMetadata().getGeneration(), 0L);
    CdcPipelineStatus status =
        StatusAggregator.failed(message, generation, previous, clock.instant());
    if (Objects.equals(status, previous)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    events.warning(pipeline, Reasons.RECONCILE_FAILED, message);
    return ErrorStatusUpdateControl.patchStatus(
        StatusWrites.fresh(pipeline, status, CdcPipeline::new));
  }

  @Override
  public DeleteControl cleanup(CdcPipeline pipeline, Context<CdcPipeline> context) {
    // Owner references let a real cluster's garbage collector do this too; deleting explicitly
    // makes "nothing left" independent of the GC (and provable on the mock API server).
    sourceChecks.forget(pipeline);
    walHeartbeats.forget(pipeline);
    signals.forget(pipeline);
    connectStatuses.forget(pipeline);
    gauges.remove(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName());
    int deleted = caches.deleteAll(client, context);
    if (SlotDrops.hasSlots(pipeline)) {
      // After the connectors: a slot can only be dropped once nothing streams from it.
      Optional<DeleteControl> waiting = slotDrops.cleanup(pipeline, clock.instant());
      if (waiting.isPresent()) {
        return waiting.get();
      }
    }
    LOG.info(
        "{}/{}: deleted, removed {} owned resources",
        pipeline.getMetadata().getNamespace(),
        pipeline.getMetadata().getName(),
        deleted);
    return DeleteControl.defaultDelete();
  }

  /** Stops the source checks' and WAL heartbeats' threads. */
  @Override
  public void close() {
    sourceChecks.close();
    walHeartbeats.close();
    signals.close();
    connectStatuses.close();
  }

  private void writeStatus(
      CdcPipeline pipeline,
      CdcPipelineStatus previous,
      CdcPipelineStatus status,
      Context<CdcPipeline> context) {
    gauges.update(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(), status);
    StatusWrites.write(pipeline, previous, status, context, CdcPipeline::new);
  }
}
