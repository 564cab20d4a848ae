package io.twinlog.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.desired.KafkaClientSecurity;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SourceConnectors;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.SourceAnomalies;
import io.twinlog.operator.health.StallDetector;
import io.twinlog.operator.observe.DeadLetterReading;
import io.twinlog.operator.observe.HeartbeatWatcher;
import io.twinlog.operator.observe.KafkaCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the {@link HeartbeatWatcher} (which reads heartbeats and the dedup runtime's anomaly
 * topic off the reconcile thread) with the pure judges: which sources are silent (unhealthy: no
 * heartbeat for three heartbeat intervals while a sibling beats), which are stalled (silent for
 * {@code restartPolicy.stallAfter}: restart them), and which the dedup runtime distrusts now.
 */
final class SourceSignals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SourceSignals.class);

  /** Silence longer than this many heartbeat intervals (while a sibling beats) is unhealthy. */
  static final int SILENT_AFTER_HEARTBEATS = 3;

  /**
   * What the signals say of one pipeline's sources.
   *
   * @param stalls a {@link Failure#stalled} per stalled replica
   * @param silent a one-line description per silent replica (stalled ones included)
   * @param anomalies the latest anomaly still held, per replica
   * @param lastHeartbeat the latest heartbeat read, per replica (absent: none yet)
   * @param nextCheckAt when to look again even if nothing changes, or null
   * @param deadLetters what each dead-letter topic held when last read (absent: not read yet)
   * @param unread why the pipeline's Kafka cluster cannot be read, for the status, or null while it
   *     is read
   */
  record Seen(
      Map<String, Failure> stalls,
      Map<String, String> silent,
      Map<String, DedupAnomalyRecord> anomalies,
      Map<String, Instant> lastHeartbeat,
      Instant nextCheckAt,
      Map<String, DeadLetterReading> deadLetters,
      String unread) {

    static Seen none() {
      return new Seen(Map.of(), Map.of(), Map.of(), Map.of(), null, Map.of(), null);
    }

    /** The stall failure of a replica, or null. */
    Failure of(String replica) {
      return stalls.get(replica);
    }
  }

  private final HeartbeatWatcher watcher;
  private final SimpleInboundEventSource<CdcPipeline> anomalyEvents =
      new SimpleInboundEventSource<>("dedup-anomalies");

  private final SecretReader secrets;

  SourceSignals(HeartbeatWatcher watcher, SecretReader secrets) {
    this.watcher = watcher;
    this.secrets = secrets;
    watcher.onAnomaly(owner -> anomalyEvents.propagateEvent(OwnerKeys.resourceId(owner)));
  }

  /** The event source through which a new anomaly triggers a reconciliation. */
  SimpleInboundEventSource<CdcPipeline> eventSource() {
    return anomalyEvents;
  }

  /** How every note on a Kafka cluster that cannot be read starts (its Event is sent once). */
  static final String HEARTBEATS_UNREAD = "Heartbeats, anomalies and dead letters are not read";

  /**
   * Registers the pipeline's heartbeat and anomaly topics with the watcher (idempotent) and judges
   * its sources from what the watcher has read so far.
   */
  Seen observe(CdcPipeline pipeline, Instant now) {
    List<ReplicaSpec> replicas = pipeline.getSpec().getSource().getReplicas();
    KafkaCluster bootstrap = cluster(pipeline);
    String anomalyTopic = ResourceNames.dedupAnomalyTopic(pipeline);
    Map<String, String> prefixes = new HashMap<>();
    replicas.forEach(
        r -> prefixes.put(r.getName(), ResourceNames.sourceTopicPrefix(pipeline, r.getName())));
    List<String> deadLetterTopics = new ArrayList<>();
    deadLetterTopics.add(ResourceNames.dedupDeadLetterTopic(pipeline));
    if (pipeline.getSpec().getSink() != null) {
      deadLetterTopics.add(ResourceNames.sinkDeadLetterTopic(pipeline));
    }
    watcher.watch(
        OwnerKeys.of(pipeline), bootstrap, prefixes.values(), anomalyTopic, deadLetterTopics);
    Map<String, DeadLetterReading> deadLetters = new HashMap<>();
    deadLetterTopics.forEach(
        t -> watcher.deadLetters(bootstrap, t).ifPresent(r -> deadLetters.put(t, r)));

    List<StallDetector.Progress> progress = new ArrayList<>();
    Map<String, Instant> lastHeartbeat = new HashMap<>();
    for (ReplicaSpec replica : replicas) {
      Instant seen = watcher.lastSeen(bootstrap, prefixes.get(replica.getName())).orElse(null);
      progress.add(new StallDetector.Progress(replica.getName(), seen));
      if (seen != null) {
        lastHeartbeat.put(replica.getName(), seen);
      }
    }
    Duration stallAfter = Durations.parse(pipeline.getSpec().getRestartPolicy().getStallAfter());
    StallDetector stallDetector = new StallDetector(stallAfter);
    Map<String, Failure> stalls = new HashMap<>();
    // Task 0: Twinlog runs every source connector with tasks.max=1, and the task holds the binlog
    // connection.
    stallDetector
        .stalled(progress, now)
        .forEach(s -> stalls.put(s.source(), Failure.stalled(0, s.describe(stallAfter))));

    Duration heartbeat = Duration.ofMillis(SourceConnectors.heartbeatMillis(pipeline));
    Duration silentAfter = heartbeat.multipliedBy(SILENT_AFTER_HEARTBEATS);
    StallDetector silenceDetector = new StallDetector(silentAfter);
    Map<String, String> silent = new HashMap<>();
    silenceDetector
        .stalled(progress, now)
        .forEach(
            s ->
                silent.put(
                    s.source(),
                    "no heartbeat since "
                        + s.lastProgress()
                        + " ("
                        + SILENT_AFTER_HEARTBEATS
                        + " heartbeat intervals of "
                        + Durations.format(heartbeat)
                        + ") while "
                        + s.peer()
                        + " still beats; its replica or its binlog connection is down"));

    Duration hold = Durations.parse(pipeline.getSpec().getDedup().getAnomalyHold());
    Map<String, DedupAnomalyRecord> anomalies =
        SourceAnomalies.held(watcher.anomalies(bootstrap, anomalyTopic), hold, now);

    // A silent source is looked at again every heartbeat interval, so its return shows quickly.
    Instant nextCheckAt =
        Stream.of(
                stallDetector.nextCheckAt(progress, now).orElse(null),
                silenceDetector.nextCheckAt(progress, now).orElse(null),
                silent.isEmpty() ? null : now.plus(heartbeat),
                SourceAnomalies.nextExpiry(anomalies.values(), hold, now).orElse(null))
            .filter(Objects::nonNull)
            .min(Instant::compareTo)
            .orElse(null);
    String unread =
        watcher
            .readFailure(bootstrap)
            .map(
                failure ->
                    HEARTBEATS_UNREAD
                        + " from Kafka at "
                        + bootstrap.bootstrap()
                        + " ("
                        + failure
                        + "): stall and silence detection are off and dead-letter counts are"
                        + " stale until they are read again.")
            .orElse(null);
    return new Seen(stalls, silent, anomalies, lastHeartbeat, nextCheckAt, deadLetters, unread);
  }

  /** Stops watching a deleted pipeline's sources. */
  void forget(CdcPipeline pipeline) {
    watcher.forget(OwnerKeys.of(pipeline));
  }

  @Override
  public void close() {
    watcher.close();
  }

  /**
   * The pipeline's cluster as the operator reads it: its address and {@code spec.kafka}'s security,
   * with the Secret values themselves. When a Secret cannot be read, the reads go without them (and
   * fail at the broker): the pods that need it cannot start either, and that shows.
   */
  private KafkaCluster cluster(CdcPipeline pipeline) {
    String namespace = pipeline.getMetadata().getNamespace();
    try {
      return new KafkaCluster(
          bootstrap(pipeline),
          KafkaClientSecurity.properties(
              pipeline, (name, key) -> secrets.value(namespace, name, key)));
    } catch (RuntimeException e) {
      LOG.warn(
          "{}/{}: cannot read Kafka heartbeats and anomalies with spec.kafka's credentials: {}",
          namespace,
          pipeline.getMetadata().getName(),
          e.getMessage());
      return KafkaCluster.plain(bootstrap(pipeline));
    }
  }

  /** The address the operator reaches Kafka at ({@link ResourceNames#operatorBootstrapServers}). */
  static String bootstrap(CdcPipeline pipeline) {
    return ResourceNames.operatorBootstrapServers(pipeline);
  }
}
