package io.twinlog.operator.reconciler;

import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.api.v1alpha1.RestartPolicySpec;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.StallDetector;
import io.twinlog.operator.observe.HeartbeatWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Connects the {@link HeartbeatWatcher} (which reads heartbeats off the reconcile thread) with the
 * pure {@link StallDetector}: which sources of a pipeline are stalled now, as restartable failures.
 */
final class SourceStalls implements AutoCloseable {

  /**
   * Stalls of one pipeline: a {@link Failure#stalled} per stalled replica, and when to look again.
   */
  record Seen(Map<String, Failure> byReplica, Instant nextCheckAt) {

    static Seen none() {
      return new Seen(Map.of(), null);
    }

    /** The stall failure of a replica, or null. */
    Failure of(String replica) {
      return byReplica.get(replica);
    }
  }

  private final HeartbeatWatcher watcher;

  SourceStalls(HeartbeatWatcher watcher) {
    this.watcher = watcher;
  }

  /**
   * Registers the pipeline's heartbeat topics with the watcher (idempotent) and judges its sources
   * from what the watcher has read so far.
   */
  Seen observe(CdcPipeline pipeline, Instant now) {
    List<ReplicaSpec> replicas = pipeline.getSpec().getSource().getReplicas();
    String bootstrap = bootstrap(pipeline);
    Map<String, String> prefixes = new HashMap<>();
    replicas.forEach(
        r -> prefixes.put(r.getName(), ResourceNames.sourceTopicPrefix(pipeline, r.getName())));
    watcher.watch(owner(pipeline), bootstrap, prefixes.values());

    List<StallDetector.Progress> progress = new ArrayList<>();
    for (ReplicaSpec replica : replicas) {
      Instant seen = watcher.lastSeen(bootstrap, prefixes.get(replica.getName())).orElse(null);
      progress.add(new StallDetector.Progress(replica.getName(), seen));
    }
    RestartPolicySpec policy =
        Objects.requireNonNullElseGet(
            pipeline.getSpec().getRestartPolicy(), RestartPolicySpec::new);
    Duration stallAfter = Durations.parse(policy.getStallAfter());
    StallDetector detector = new StallDetector(stallAfter);
    Map<String, Failure> stalls = new HashMap<>();
    // Task 0: Twinlog runs every source connector with tasks.max=1, and the task holds the binlog
    // connection.
    detector
        .stalled(progress, now)
        .forEach(s -> stalls.put(s.source(), Failure.stalled(0, s.describe(stallAfter))));
    return new Seen(stalls, detector.nextCheckAt(progress, now).orElse(null));
  }

  /** Stops watching a deleted pipeline's sources. */
  void forget(CdcPipeline pipeline) {
    watcher.forget(owner(pipeline));
  }

  @Override
  public void close() {
    watcher.close();
  }

  private static String owner(CdcPipeline pipeline) {
    return pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName();
  }

  /**
   * The address the operator reaches Kafka at: the explicit bootstrap servers, or Strimzi's
   * bootstrap service qualified with the pipeline's namespace (the operator runs elsewhere).
   */
  static String bootstrap(CdcPipeline pipeline) {
    if (pipeline.getSpec().getKafka().getBootstrapServers() != null) {
      return pipeline.getSpec().getKafka().getBootstrapServers();
    }
    return pipeline.getSpec().getKafka().getCluster()
        + "-kafka-bootstrap."
        + pipeline.getMetadata().getNamespace()
        + ".svc:9092";
  }
}
