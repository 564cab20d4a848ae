package io.twinlog.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.SlotDropStatus;
import io.twinlog.operator.api.v1alpha1.SourceType;
import io.twinlog.operator.desired.Labels;
import io.twinlog.operator.source.PostgresCheckRequest;
import io.twinlog.operator.source.SlotDropResult;
import io.twinlog.operator.source.SourceChecker;
import io.twinlog.operator.status.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the logical replication slots a PostgreSQL pipeline no longer reads: every replica's when
 * the pipeline is deleted (the finalizer step, {@link #cleanup}), and a removed replica's while the
 * pipeline runs ({@link #pending}, {@link #dropRemoved}). An orphaned slot keeps WAL on its server
 * forever and fills the disk, so a deleted pipeline goes only when each slot is gone. The drops run
 * on the checker's pool; each pass starts them once and reads them when done.
 *
 * <p>A slot stays active until the connector's task has stopped (its KafkaConnector was just
 * deleted), so the first pass usually finds it in use: the step retries every {@link #RETRY}. After
 * {@link #PATIENCE} it gives up so that a replica gone for good cannot block the deletion (and a
 * namespace's) forever, with a Warning Event that names each slot left and where to drop it.
 */
final class SlotDrops {
  private static final Logger LOG = LoggerFactory.getLogger(SlotDrops.class);

  /** How often a slot still in use or a replica not reachable is tried again. */
  static final Duration RETRY = Duration.ofSeconds(5);

  /** How long after the deletion the step keeps trying before it lets the pipeline go. */
  static final Duration PATIENCE = Duration.ofMinutes(10);

  private final SourceChecker checker;
  private final SourceChecks checks;
  private final EventRecorder events;
  private final Map<ResourceID, CompletableFuture<List<SlotDropResult>>> inFlight =
      new ConcurrentHashMap<>();
  private final Map<ResourceID, String> announced = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<SlotDropResult>> removedInFlight =
      new ConcurrentHashMap<>();

  SlotDrops(SourceChecker checker, SourceChecks checks, EventRecorder events) {
    this.checker = checker;
    this.checks = checks;
    this.events = events;
  }

  /** Whether the pipeline reads PostgreSQL, whose connectors each own a slot. */
  static boolean hasSlots(CdcPipeline pipeline) {
    return pipeline.getSpec() != null
        && pipeline.getSpec().getSource() != null
        && pipeline.getSpec().getSource().getType() != null
        && !pipeline.getSpec().getSource().getType().binlog();
  }

  /**
   * Empty when the pipeline may go (every slot gone, or given up), else the DeleteControl that
   * keeps the finalizer and comes back.
   */
  Optional<DeleteControl> cleanup(CdcPipeline pipeline, Instant now) {
    ResourceID id = ResourceID.fromResource(pipeline);
    boolean patienceLeft = now.isBefore(deletedAt(pipeline, now).plus(PATIENCE));
    CompletableFuture<List<SlotDropResult>> running = inFlight.get(id);
    if (running == null) {
      try {
        SourceChecks.Credentials login = checks.credentials(pipeline);
        List<PostgresCheckRequest> requests =
            new ArrayList<>(SourceChecks.postgresRequests(pipeline, login));
        // Replicas removed earlier whose slot was not dropped yet go with the pipeline too.
        pendingOf(pipeline.getStatus()).forEach(p -> requests.add(request(p, login)));
        List<CompletableFuture<SlotDropResult>> drops =
            requests.stream().map(checker::dropSlot).toList();
        inFlight.put(
            id,
            CompletableFuture.allOf(drops.toArray(CompletableFuture[]::new))
                .thenApply(v -> drops.stream().map(CompletableFuture::join).toList()));
      } catch (RuntimeException e) {
        // The credentials Secret is gone (often deleted with the pipeline), or a spec edited into
        // an invalid one names no database: nothing can log in.
        return waitOrGiveUp(pipeline, id, patienceLeft, String.valueOf(e.getMessage()));
      }
      return Optional.of(DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1)));
    }
    if (!running.isDone()) {
      return Optional.of(DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1)));
    }
    inFlight.remove(id);
    List<SlotDropResult> results = running.join();
    results.stream()
        .filter(r -> r.outcome() == SlotDropResult.Outcome.DROPPED)
        .forEach(
            r -> {
              LOG.info("{}: {}", id, r.message());
              events.normal(pipeline, Reasons.SLOT_DROPPED, r.message());
            });
    List<SlotDropResult> left = results.stream().filter(r -> !r.gone()).toList();
    if (left.isEmpty()) {
      announced.remove(id);
      return Optional.empty();
    }
    return waitOrGiveUp(
        pipeline,
        id,
        patienceLeft,
        left.stream().map(SlotDropResult::message).collect(Collectors.joining("; ")));
  }

  /**
   * The slots still to drop of replicas removed from a running pipeline: those the previous status
   * lists, and each source connector that exists but is no longer desired (its config still says
   * where it read). A pure function of what was observed.
   */
  static List<SlotDropStatus> pending(
      CdcPipelineStatus previous,
      java.util.Collection<KafkaConnector> actual,
      Set<String> desiredConnectors,
      Instant now) {
    List<SlotDropStatus> pending = new ArrayList<>(pendingOf(previous));
    for (KafkaConnector connector : actual) {
      Map<String, String> labels = connector.getMetadata().getLabels();
      Map<String, Object> config =
          connector.getSpec() == null ? null : connector.getSpec().getConfig();
      if (desiredConnectors.contains(connector.getMetadata().getName())
          || labels == null
          || !Labels.SOURCE.equals(labels.get(Labels.COMPONENT))
          || config == null
          || config.get("slot.name") == null) {
        continue;
      }
      SlotDropStatus removed =
          SlotDropStatus.of(
              labels.get(Labels.REPLICA),
              String.valueOf(config.get("database.hostname")),
              Integer.valueOf(String.valueOf(config.get("database.port"))),
              String.valueOf(config.get("database.dbname")),
              String.valueOf(config.get("slot.name")),
              now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      if (pending.stream().noneMatch(p -> sameSlot(p, removed))) {
        pending.add(removed);
      }
    }
    return List.copyOf(pending);
  }

  /**
   * Starts or reads the drop of each removed replica's slot and returns those still to drop; a slot
   * still in use (its connector is stopping) or a server not reachable is retried on later
   * reconciliations, for {@link #PATIENCE} after the removal.
   */
  List<SlotDropStatus> dropRemoved(
      CdcPipeline pipeline, List<SlotDropStatus> pending, Instant now) {
    ResourceID id = ResourceID.fromResource(pipeline);
    List<SlotDropStatus> left = new ArrayList<>();
    for (SlotDropStatus p : pending) {
      String key = id + "|" + p.getSlot() + "@" + p.getHost() + ":" + p.getPort();
      CompletableFuture<SlotDropResult> running = removedInFlight.get(key);
      if (running != null && !running.isDone()) {
        left.add(p);
        continue;
      }
      if (running != null) {
        removedInFlight.remove(key);
        SlotDropResult result = running.join();
        if (result.gone()) {
          if (result.outcome() == SlotDropResult.Outcome.DROPPED) {
            LOG.info("{}: {} (replica removed from the spec)", id, result.message());
            events.normal(pipeline, Reasons.SLOT_DROPPED, result.message());
          }
          continue;
        }
        if (!result
            .message()
            .equals(announced.put(ResourceID.fromResource(pipeline), result.message()))) {
          events.normal(pipeline, Reasons.SLOT_DROP_PENDING, result.message());
        }
      }
      if (!now.isBefore(since(p, now).plus(PATIENCE))) {
        LOG.warn("{}: replication slot {} on {} left behind", id, p.getSlot(), p.getHost());
        events.warning(
            pipeline,
            Reasons.SLOTS_LEFT_BEHIND,
            "Replica "
                + p.getReplica()
                + " was removed, but its replication slot "
                + p.getSlot()
                + " on "
                + p.getHost()
                + ":"
                + p.getPort()
                + " could not be dropped in "
                + PATIENCE.toMinutes()
                + " min; drop it by hand, or it keeps WAL until the disk fills.");
        continue;
      }
      try {
        removedInFlight.put(key, checker.dropSlot(request(p, checks.credentials(pipeline))));
      } catch (RuntimeException e) {
        // The credentials Secret cannot be read: retried with the next reconciliation.
        LOG.debug("{}: cannot drop {} yet: {}", id, p.getSlot(), e.getMessage());
      }
      left.add(p);
    }
    return List.copyOf(left);
  }

  private static List<SlotDropStatus> pendingOf(CdcPipelineStatus status) {
    return status == null || status.getPendingSlotDrops() == null
        ? List.of()
        : status.getPendingSlotDrops();
  }

  private static boolean sameSlot(SlotDropStatus a, SlotDropStatus b) {
    return java.util.Objects.equals(a.getSlot(), b.getSlot())
        && java.util.Objects.equals(a.getHost(), b.getHost())
        && java.util.Objects.equals(a.getPort(), b.getPort());
  }

  private static PostgresCheckRequest request(SlotDropStatus p, SourceChecks.Credentials login) {
    return new PostgresCheckRequest(
        p.getReplica() == null ? p.getSlot() : p.getReplica(),
        p.getHost(),
        p.getPort() == null ? SourceType.POSTGRESQL.defaultPort() : p.getPort(),
        login.user(),
        login.password(),
        p.getDatabase(),
        p.getSlot(),
        null,
        List.of(),
        false,
        null,
        null,
        login.tls());
  }

  private static Instant since(SlotDropStatus p, Instant now) {
    try {
      return p.getSince() == null ? now : Instant.parse(p.getSince());
    } catch (java.time.format.DateTimeParseException e) {
      return now;
    }
  }

  private Optional<DeleteControl> waitOrGiveUp(
      CdcPipeline pipeline, ResourceID id, boolean patienceLeft, String why) {
    if (!patienceLeft) {
      announced.remove(id);
      LOG.warn("{}: replication slots left behind: {}", id, why);
      events.warning(
          pipeline,
          Reasons.SLOTS_LEFT_BEHIND,
          "Deleted without dropping its replication slots after "
              + PATIENCE.toMinutes()
              + " min of trying; drop each by hand, or it keeps WAL until the disk fills: "
              + why);
      return Optional.empty();
    }
    if (!why.equals(announced.put(id, why))) {
      // Normal: a slot in use for the seconds its connector takes to stop is expected.
      events.normal(pipeline, Reasons.SLOT_DROP_PENDING, why);
    }
    return Optional.of(DeleteControl.noFinalizerRemoval().rescheduleAfter(RETRY));
  }

  private static Instant deletedAt(CdcPipeline pipeline, Instant now) {
    String at = pipeline.getMetadata().getDeletionTimestamp();
    try {
      return at == null ? now : Instant.parse(at);
    } catch (java.time.format.DateTimeParseException e) {
      return now;
    }
  }
}
