package io.twinlog.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.api.v1alpha1.ReseedMode;
import io.twinlog.operator.desired.ConsistentStart;
import io.twinlog.operator.desired.ConsistentStart.Plan;
import io.twinlog.operator.desired.ConsistentStart.Start;
import io.twinlog.operator.desired.ConsistentStart.Step;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.source.GtidSets;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.status.Reasons;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistent start, the deciding half ({@link ConsistentStart} is the desired-state half): reads
 * what moves a source's start on (a source streams, Strimzi listed its offsets, Strimzi set the
 * seeded connector's offsets, the seeded replica's binlog reached the position, the seeded source
 * streams), decides each source's next step with the pure {@link #decide}, and announces each step
 * with an Event. Every step is kept on the connector itself, so an operator restart resumes it.
 */
final class SourceStarts {
  private static final Logger LOG = LoggerFactory.getLogger(SourceStarts.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The seed source's position as Strimzi listed it.
   *
   * @param gtids its GTID position, null when the offset has none (no GTIDs: cannot seed)
   * @param midSnapshot the offset carries Debezium's {@code snapshot} marker ({@code "INITIAL"}):
   *     committed during a snapshot, whose rows not read yet would come after changes a source
   *     seeded there streams, or during a recovery (docs/concepts/consistent-start-facts.md)
   */
  record Listed(String gtids, boolean midSnapshot) {}

  /**
   * What the decision reads.
   *
   * @param live each replica's KafkaConnector as it is (absent: not created yet)
   * @param streaming the replicas whose connectors stream now (heartbeats flow, not silent)
   * @param lastHeartbeat the latest heartbeat per replica
   * @param checks the last source check per replica (its binlog's GTID position)
   * @param listed what Strimzi listed per seed source (absent: no listing)
   * @param reasons why each unhealthy source was unhealthy at the last reconciliation (its {@code
   *     status.sources[].reason}; absent: healthy)
   */
  record Inputs(
      Map<String, KafkaConnector> live,
      Set<String> streaming,
      Map<String, Instant> lastHeartbeat,
      Map<String, SourceCheckResult> checks,
      Map<String, Listed> listed,
      Map<String, String> reasons) {

    Inputs(
        Map<String, KafkaConnector> live,
        Set<String> streaming,
        Map<String, Instant> lastHeartbeat,
        Map<String, SourceCheckResult> checks,
        Map<String, Listed> listed) {
      this(live, streaming, lastHeartbeat, checks, listed, Map.of());
    }
  }

  /** The reasons a source cannot resume where it stopped, which a re-seed fixes. */
  static final Set<String> RESEEDABLE =
      Set.of(
          Reasons.BINLOG_POSITION_PURGED,
          Reasons.SCHEMA_HISTORY_MISSING,
          Reasons.SCHEMA_HISTORY_MISMATCH);

  /**
   * How long a source through its start is not re-seeded again for the reason its status still
   * gives: the status of the reconciliation before may still say why it failed before. Each step of
   * the start changes its KafkaConnector, and Strimzi refreshes the status on every change, so a
   * status older than this is not left from before the start.
   */
  static final Duration RESEED_GRACE = Duration.ofSeconds(30);

  /**
   * What was decided: the plan the desired connectors are shaped by, the Events to record, the
   * listings to delete before Strimzi lists again (so that a listing found later is a fresh one),
   * what each source in its start is doing (for its status), and whether to check the replicas
   * again soon.
   */
  record Decision(
      Plan plan,
      List<Announcement> events,
      List<String> deleteListings,
      Map<String, String> details,
      boolean recheckSoon) {}

  private final KubernetesClient client;
  private final EventRecorder events;

  SourceStarts(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /** Observes, decides, deletes stale listings and records the Events; returns the decision. */
  Decision advance(
      CdcPipeline pipeline,
      List<KafkaConnector> connectors,
      SourceSignals.Seen signals,
      SourceChecks.Seen checks,
      CdcPipelineStatus previous,
      Instant now) {
    if (!ConsistentStart.applies(pipeline)) {
      return new Decision(Plan.NONE, List.of(), List.of(), Map.of(), false);
    }
    Map<String, KafkaConnector> live = new HashMap<>();
    for (ReplicaSpec replica : pipeline.getSpec().getSource().getReplicas()) {
      String name = ResourceNames.sourceConnector(pipeline, replica.getName());
      connectors.stream()
          .filter(c -> name.equals(c.getMetadata().getName()))
          .findFirst()
          .ifPresent(c -> live.put(replica.getName(), c));
    }
    Map<String, Start> current = ConsistentStart.current(pipeline, live, now);
    Map<String, Listed> listed = new HashMap<>();
    Stream.concat(
            current.values().stream()
                .filter(s -> s.step() == Step.LISTING && s.seedSource() != null)
                .map(Start::seedSource),
            current.entrySet().stream()
                .filter(e -> e.getValue().step() == Step.RECOVERING)
                .map(Map.Entry::getKey))
        .distinct()
        .forEach(source -> read(pipeline, source).ifPresent(l -> listed.put(source, l)));
    Set<String> streaming = new HashSet<>(signals.lastHeartbeat().keySet());
    streaming.removeAll(signals.silent().keySet());
    Decision decision =
        decide(
            pipeline,
            current,
            new Inputs(
                live,
                streaming,
                signals.lastHeartbeat(),
                checks.results(),
                listed,
                reasons(previous)),
            now);
    for (String source : decision.deleteListings()) {
      String configMap =
          ResourceNames.listedOffsetsConfigMap(ResourceNames.sourceConnector(pipeline, source));
      client
          .configMaps()
          .inNamespace(pipeline.getMetadata().getNamespace())
          .withName(configMap)
          .delete();
    }
    for (Announcement event : decision.events()) {
      event.recordOn(events, pipeline);
    }
    return decision;
  }

  /** The next step of each source that starts from another's position; a pure function. */
  static Decision decide(CdcPipeline pipeline, Map<String, Start> current, Inputs in, Instant now) {
    String leader = ConsistentStart.leader(pipeline);
    Map<String, Start> next = new LinkedHashMap<>();
    List<Announcement> events = new ArrayList<>();
    List<String> deleteListings = new ArrayList<>();
    List<String> alter = new ArrayList<>();
    Map<String, String> details = new HashMap<>();
    List<String> list = new ArrayList<>();
    boolean recheckSoon = false;
    Set<String> replicas = new HashSet<>();
    pipeline.getSpec().getSource().getReplicas().forEach(r -> replicas.add(r.getName()));

    for (Map.Entry<String, Start> entry : current.entrySet()) {
      String replica = entry.getKey();
      Start start = entry.getValue();
      if (start.seedSource() != null
          && start.step() != Step.DONE
          && start.step() != Step.RECOVERING
          && !replicas.contains(start.seedSource())) {
        // The seed source was removed from the pipeline: choose again.
        start = start.next(Step.WAITING, null, null, now);
      }
      switch (start.step()) {
        case WAITING -> {
          String source = seedSource(leader, current, healthy(in));
          if (source == null) {
            details.put(
                replica,
                "waiting for " + leader + " to finish its snapshot and stream (its heartbeats)");
          } else {
            start = start.next(Step.LISTING, source, null, now);
            if (!list.contains(source)) {
              list.add(source);
              deleteListings.add(source);
            }
            details.put(replica, "asked Strimzi to list the offsets of " + source);
            events.add(
                Announcement.normal(
                    Reasons.SEED_POSITION_REQUESTED,
                    replica
                        + " starts from the position of "
                        + source
                        + ", which streams: asked Strimzi to list its offsets"));
          }
        }
        case LISTING -> {
          String source = start.seedSource();
          Listed listing = in.listed().get(source);
          boolean asked = offsetsAnnotation(in.live().get(source)) != null;
          if (listing != null && !listing.midSnapshot() && listing.gtids() != null) {
            start = start.next(Step.ALTERING, source, listing.gtids(), now);
            alter.add(replica);
            details.put(
                replica,
                "asked Strimzi to set its offsets to " + source + "'s position " + listing.gtids());
          } else {
            if (!asked && !list.contains(source)) {
              // Not listed (yet), or listed during the snapshot: ask again for a fresh listing.
              list.add(source);
              if (listing != null) {
                deleteListings.add(source);
              }
            }
            details.put(
                replica,
                listing != null && listing.gtids() == null
                    ? source + "'s offset has no GTIDs: it cannot be started from; waiting"
                    : "waiting for Strimzi to list the offsets of " + source);
          }
        }
        case ALTERING -> {
          KafkaConnector self = in.live().get(replica);
          SourceCheckResult check = in.checks().get(replica);
          String position =
              check == null || check.facts() == null ? null : check.facts().gtidPosition();
          if (offsetsAnnotation(self) != null) {
            details.put(
                replica,
                "waiting for Strimzi to set its offsets to "
                    + start.seedSource()
                    + "'s position "
                    + start.seedPosition());
          } else if (check != null
              && check.checkedAt().isAfter(start.since())
              && check.facts() != null
              && GtidSets.covers(check.facts().flavor(), position, start.seedPosition())) {
            start = start.next(Step.RECOVERING, start.seedSource(), start.seedPosition(), now);
            // Its own listing tells when it is through: none from before may answer.
            deleteListings.add(replica);
            details.put(
                replica,
                "starting at "
                    + start.seedSource()
                    + "'s position "
                    + start.seedPosition()
                    + ", rebuilding its schema history");
            events.add(
                Announcement.normal(
                    Reasons.SOURCE_SEEDED,
                    replica
                        + " set to "
                        + start.seedSource()
                        + "'s position "
                        + start.seedPosition()
                        + " (its binlog has it): starting it with a schema-only recovery, no"
                        + " snapshot"));
          } else {
            recheckSoon = true;
            details.put(
                replica,
                "offsets set; waiting for its replica's binlog to reach "
                    + start.seedPosition()
                    + (position == null ? "" : " (last checked at " + position + ")"));
          }
        }
        case RECOVERING -> {
          Instant beat = in.lastHeartbeat().get(replica);
          Listed own = in.listed().get(replica);
          boolean streams = beat != null && start.since() != null && beat.isAfter(start.since());
          boolean committed = own != null && !own.midSnapshot() && own.gtids() != null;
          if (streams && committed) {
            events.add(
                Announcement.normal(
                    Reasons.SOURCE_STREAMING,
                    replica
                        + " streams from "
                        + start.seedSource()
                        + "'s position "
                        + start.seedPosition()
                        + " with its schema history rebuilt: back to the pipeline's snapshot mode"
                        + " (Strimzi restarts it once)"));
            // Through: the listings it needed are left-overs now (Strimzi writes them unowned).
            deleteListings.add(replica);
            String seed = start.seedSource();
            if (current.values().stream()
                .noneMatch(
                    o ->
                        o.step() != Step.DONE
                            && seed.equals(o.seedSource())
                            && o != entry.getValue())) {
              deleteListings.add(seed);
            }
            start = start.next(Step.DONE, start.seedSource(), start.seedPosition(), now);
          } else {
            if (streams && offsetsAnnotation(in.live().get(replica)) == null) {
              // It streams, but its committed offset may still carry the recovery's snapshot
              // marker (Connect commits every offset.flush.interval.ms), with which the pipeline's
              // own initial mode would snapshot again: list it, again until it has none.
              list.add(replica);
              if (own != null) {
                deleteListings.add(replica);
              }
            }
            details.put(
                replica,
                streams
                    ? "streams from "
                        + start.seedSource()
                        + "'s position "
                        + start.seedPosition()
                        + "; waiting for Connect to commit a streaming offset"
                    : "starting at "
                        + start.seedSource()
                        + "'s position "
                        + start.seedPosition()
                        + ", rebuilding its schema history");
          }
        }
        case DONE -> {
          String reason = in.reasons().get(replica);
          boolean settled =
              start.since() == null || !now.isBefore(start.since().plus(RESEED_GRACE));
          if (reason != null
              && RESEEDABLE.contains(reason)
              && settled
              && pipeline.getSpec().getSource().getReseed() == ReseedMode.AUTOMATIC
              && start.reseeds() < ConsistentStart.MAX_RESEEDS) {
            start = start.reseed(now);
            details.put(replica, "re-seeding: waiting for a streaming source");
            events.add(
                Announcement.normal(
                    Reasons.SOURCE_RESEEDING,
                    replica
                        + " cannot resume where it stopped ("
                        + reason
                        + "): starting it again from a streaming source's position, no snapshot"
                        + " (automatic re-seed "
                        + start.reseeds()
                        + " of "
                        + ConsistentStart.MAX_RESEEDS
                        + ")"));
          }
        }
      }
      next.put(replica, start);
    }
    return new Decision(new Plan(next, list, alter), events, deleteListings, details, recheckSoon);
  }

  /**
   * The source to seed from: the leader when it streams, else any other streaming source that is
   * through its own start (a replica added to a running pipeline whose leader is down).
   */
  static String seedSource(String leader, Map<String, Start> starts, Set<String> healthy) {
    Predicate<String> through = r -> starts.getOrDefault(r, Start.DONE).step() == Step.DONE;
    if (healthy.contains(leader) && through.test(leader)) {
      return leader;
    }
    return healthy.stream().filter(through).sorted().findFirst().orElse(null);
  }

  /** The sources that stream and were healthy at the last reconciliation. */
  private static Set<String> healthy(Inputs in) {
    Set<String> healthy = new HashSet<>(in.streaming());
    healthy.removeAll(in.reasons().keySet());
    return healthy;
  }

  private static Map<String, String> reasons(CdcPipelineStatus previous) {
    Map<String, String> reasons = new HashMap<>();
    if (previous != null && previous.getSources() != null) {
      previous.getSources().stream()
          .filter(s -> s.getName() != null && s.getReason() != null)
          .forEach(s -> reasons.put(s.getName(), s.getReason()));
    }
    return reasons;
  }

  private static String offsetsAnnotation(KafkaConnector connector) {
    if (connector == null || connector.getMetadata().getAnnotations() == null) {
      return null;
    }
    return connector.getMetadata().getAnnotations().get(ConsistentStart.STRIMZI_OFFSETS_ANNOTATION);
  }

  /** Strimzi's listing of a source's offsets, if it is there. */
  private Optional<Listed> read(CdcPipeline pipeline, String source) {
    String connector = ResourceNames.sourceConnector(pipeline, source);
    try {
      ConfigMap configMap =
          client
              .configMaps()
              .inNamespace(pipeline.getMetadata().getNamespace())
              .withName(ResourceNames.listedOffsetsConfigMap(connector))
              .get();
      if (configMap == null || configMap.getData() == null) {
        return Optional.empty();
      }
      return Optional.ofNullable(
          listed(
              configMap.getData().get(ConsistentStart.OFFSETS_KEY),
              ResourceNames.sourceTopicPrefix(pipeline, source)));
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read the offsets listed for {}: {}", connector, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The position in a listing ({@code {"offsets":[{"partition":{"server":...},"offset":{...}}]}}),
   * for the source's own partition; null when absent or unreadable.
   */
  static Listed listed(String offsetsJson, String server) {
    if (offsetsJson == null) {
      return null;
    }
    try {
      for (JsonNode entry : JSON.readTree(offsetsJson).path("offsets")) {
        if (server.equals(entry.path("partition").path("server").asText(null))) {
          JsonNode offset = entry.path("offset");
          String gtids = offset.path("gtids").asText(null);
          JsonNode snapshot = offset.path("snapshot");
          return new Listed(
              gtids == null || gtids.isBlank() ? null : gtids,
              !snapshot.isMissingNode()
                  && !snapshot.isNull()
                  && !(snapshot.isBoolean() && !snapshot.asBoolean()));
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
