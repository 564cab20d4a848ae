package io.twinlog.operator.desired;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.strimzi.api.kafka.model.common.ConnectorState;
import io.strimzi.api.kafka.model.connector.AlterOffsetsBuilder;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.ListOffsetsBuilder;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.api.v1alpha1.SnapshotMode;
import io.twinlog.operator.api.v1alpha1.SourceSpec;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Consistent start, the desired-state half: one replica's connector (the leader) takes the initial
 * snapshot; every other one is created stopped and is started only once it has been set to a
 * streaming source's position at a transaction boundary, with a schema-only recovery of its schema
 * history. So the output holds one snapshot of each row and nothing older after it
 * (docs/concepts/consistent-start.md). Where each source is in its start is kept on its
 * KafkaConnector, in the annotations of {@link Start}, so it survives an operator restart; {@code
 * StartDecisions} (reconciler) moves it on from what it observes.
 */
public final class ConsistentStart {
  private ConsistentStart() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a source is in its start: {@link Step}'s value. */
  public static final String STEP_ANNOTATION = "twinlog.io/start-step";

  /** The source whose position this one is set to. */
  public static final String SEED_SOURCE_ANNOTATION = "twinlog.io/seed-source";

  /** The GTID position this source is set to. */
  public static final String SEED_POSITION_ANNOTATION = "twinlog.io/seed-position";

  /** When the source entered its step (ISO-8601). */
  public static final String SINCE_ANNOTATION = "twinlog.io/start-step-since";

  /** How many times the source was re-seeded automatically ({@code source.reseed: automatic}). */
  public static final String RESEEDS_ANNOTATION = "twinlog.io/reseeds";

  /** Most automatic re-seeds of one source: a source that keeps losing its place needs a human. */
  public static final int MAX_RESEEDS = 3;

  /** Strimzi's offsets annotation: {@code list} or {@code alter}, removed by Strimzi when done. */
  public static final String STRIMZI_OFFSETS_ANNOTATION = "strimzi.io/connector-offsets";

  /** Strimzi's key of the offsets in a listing or alteration ConfigMap. */
  public static final String OFFSETS_KEY = "offsets.json";

  /** The steps of a source that does not take the snapshot. */
  public enum Step {
    /** Created stopped; waits until a source streams. */
    WAITING("waiting"),
    /** Strimzi was asked to list the seed source's offsets. */
    LISTING("listing"),
    /** Strimzi was asked to set this connector's offsets to the seed position. */
    ALTERING("altering"),
    /**
     * Runs from the seed position with {@code snapshot.mode=recovery}; waits until it streams and
     * its committed offset is a streaming one: until then the offset carries the recovery's {@code
     * snapshot} marker, and the pipeline's own {@code initial} mode would take a full snapshot at
     * the next start.
     */
    RECOVERING("recovering"),
    /** Streams with the pipeline's own snapshot mode (also: every source not started this way). */
    DONE("done");

    private final String value;

    Step(String value) {
      this.value = value;
    }

    /** The annotation value. */
    public String value() {
      return value;
    }

    static Step parse(String value) {
      for (Step step : values()) {
        if (step.value.equals(value)) {
          return step;
        }
      }
      return DONE;
    }
  }

  /** A source's phase as {@code status.sources[].phase} says it. */
  public enum Phase {
    SNAPSHOTTING("Snapshotting"),
    SEEDING("Seeding"),
    STREAMING("Streaming");

    private final String value;

    Phase(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }

  /**
   * One source's start.
   *
   * @param seedSource the replica whose position it is set to, or null before one is chosen
   * @param seedPosition that position (GTIDs), or null before it is known
   * @param since when it entered this step, or null when unknown (a connector that started by
   *     itself)
   * @param reseeds how many times it was re-seeded automatically
   */
  public record Start(
      Step step, String seedSource, String seedPosition, Instant since, int reseeds) {
    public static final Start DONE = new Start(Step.DONE, null, null, null, 0);

    /** A start that begins now, in {@link Step#WAITING}. */
    public static Start waiting(Instant now) {
      return new Start(Step.WAITING, null, null, now, 0);
    }

    /** The next step, from now. */
    public Start next(Step step, String seedSource, String seedPosition, Instant now) {
      return new Start(step, seedSource, seedPosition, now, reseeds);
    }

    /** A re-seed: from the beginning, from now, counted. */
    public Start reseed(Instant now) {
      return new Start(Step.WAITING, null, null, now, reseeds + 1);
    }

    /** Whether Twinlog holds the connector stopped. */
    public boolean stopped() {
      return step == Step.WAITING || step == Step.LISTING || step == Step.ALTERING;
    }

    /**
     * What {@code status.sources[].phase} says, for a source that is not the leader: Seeding until
     * it streams with its own snapshot mode (while it recovers its schema history it runs, but its
     * connector is restarted once more at the end).
     */
    public Phase phase() {
      return step == Step.DONE ? Phase.STREAMING : Phase.SEEDING;
    }

    /** Reads a live connector's start; one without the annotations started some other way. */
    public static Start of(KafkaConnector live) {
      Map<String, String> annotations =
          live == null || live.getMetadata().getAnnotations() == null
              ? Map.of()
              : live.getMetadata().getAnnotations();
      if (annotations.get(STEP_ANNOTATION) == null) {
        return DONE;
      }
      String since = annotations.get(SINCE_ANNOTATION);
      String reseeds = annotations.get(RESEEDS_ANNOTATION);
      return new Start(
          Step.parse(annotations.get(STEP_ANNOTATION)),
          annotations.get(SEED_SOURCE_ANNOTATION),
          annotations.get(SEED_POSITION_ANNOTATION),
          since == null ? null : Instant.parse(since),
          reseeds == null || !reseeds.matches("\\d{1,3}") ? 0 : Integer.parseInt(reseeds));
    }

    /** The annotations that say it, on the desired connector. */
    Map<String, String> annotations() {
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put(STEP_ANNOTATION, step.value());
      if (seedSource != null) {
        annotations.put(SEED_SOURCE_ANNOTATION, seedSource);
      }
      if (seedPosition != null) {
        annotations.put(SEED_POSITION_ANNOTATION, seedPosition);
      }
      if (since != null) {
        annotations.put(SINCE_ANNOTATION, since.toString());
      }
      if (reseeds > 0) {
        annotations.put(RESEEDS_ANNOTATION, Integer.toString(reseeds));
      }
      return annotations;
    }
  }

  /**
   * What the reconciler decided for the sources' starts.
   *
   * @param starts the start of each replica (by name); absent: {@link Start#DONE}
   * @param list the replicas whose connectors Strimzi is to list the offsets of now
   * @param alter the replicas whose connectors Strimzi is to set the offsets of now
   */
  public record Plan(Map<String, Start> starts, List<String> list, List<String> alter) {
    /** Nothing to do: every source starts by itself. */
    public static final Plan NONE = new Plan(Map.of(), List.of(), List.of());

    public Plan {
      starts = Map.copyOf(starts);
      list = List.copyOf(list);
      alter = List.copyOf(alter);
    }

    /** The start of one replica. */
    public Start of(String replica) {
      return starts.getOrDefault(replica, Start.DONE);
    }

    /** Whether any source is not through its start. */
    public boolean starting() {
      return starts.values().stream().anyMatch(s -> s.step() != Step.DONE);
    }
  }

  /**
   * Whether a source can start from another's position: a MySQL or MariaDB source of several
   * replicas (a re-seed, or a start). PostgreSQL sources are not started this way yet: each
   * snapshots on its own (docs/concepts/consistent-start.md).
   */
  public static boolean applies(CdcPipeline pipeline) {
    SourceSpec source = pipeline.getSpec().getSource();
    return source.getType().binlog() && source.getReplicas().size() > 1;
  }

  /**
   * Whether a new connector starts from another's position instead of its own snapshot: the
   * snapshot mode takes a data snapshot when there is no offset.
   */
  public static boolean startsTogether(CdcPipeline pipeline) {
    SnapshotMode mode = pipeline.getSpec().getSource().getSnapshot().getMode();
    return applies(pipeline) && (mode == SnapshotMode.INITIAL || mode == SnapshotMode.WHEN_NEEDED);
  }

  /** The replica whose connector takes the snapshot: {@code snapshot.leader}, else the first. */
  public static String leader(CdcPipeline pipeline) {
    SourceSpec source = pipeline.getSpec().getSource();
    return Objects.requireNonNullElse(
        source.getSnapshot().getLeader(), source.getReplicas().getFirst().getName());
  }

  /**
   * The start of each source when nothing moved it on, from its connector's annotations (one
   * without them started by itself). A source without a connector yet waits, unless it is the
   * leader or the snapshot mode takes no snapshot: a new pipeline's followers, and a replica added
   * to a running one.
   */
  public static Map<String, Start> current(
      CdcPipeline pipeline, Map<String, KafkaConnector> liveByReplica, Instant now) {
    Map<String, Start> starts = new HashMap<>();
    if (!applies(pipeline)) {
      return starts;
    }
    String leader = leader(pipeline);
    boolean together = startsTogether(pipeline);
    // Once any source has a connector the pipeline has its snapshot: a replica added later waits
    // to be seeded even when it is (now) the leader, such as one put first in the list.
    boolean running =
        pipeline.getSpec().getSource().getReplicas().stream()
            .anyMatch(r -> liveByReplica.containsKey(r.getName()));
    for (ReplicaSpec replica : pipeline.getSpec().getSource().getReplicas()) {
      String name = replica.getName();
      KafkaConnector live = liveByReplica.get(name);
      if (live != null) {
        starts.put(name, Start.of(live));
      } else if (together && (running || !name.equals(leader))) {
        starts.put(name, Start.waiting(now));
      } else {
        starts.put(name, Start.DONE);
      }
    }
    return starts;
  }

  /**
   * Shapes a source's desired connector for its start: stopped until seeded, with the seed
   * ConfigMap to alter from; {@code snapshot.mode=recovery} until its schema history is rebuilt
   * (Debezium rebuilds it from the tables' current definitions, then streams); Strimzi's offsets
   * annotation only in the reconciliation that asks for the operation (Strimzi removes it when
   * done, and the connector's other annotations keep the step).
   */
  static void shape(
      CdcPipeline pipeline, ReplicaSpec replica, KafkaConnector connector, Plan plan) {
    String name = replica.getName();
    Start start = plan.of(name);
    var spec = connector.getSpec();
    if (connector.getMetadata().getAnnotations() == null) {
      connector.getMetadata().setAnnotations(new HashMap<>());
    }
    if (start.step() != Step.DONE) {
      connector.getMetadata().getAnnotations().putAll(start.annotations());
      spec.getConfig().put("snapshot.mode", SnapshotMode.RECOVERY.value());
    } else if (plan.starts().containsKey(name)) {
      connector.getMetadata().getAnnotations().putAll(start.annotations());
    }
    if (start.stopped()) {
      spec.setState(ConnectorState.STOPPED);
    }
    if (start.step() == Step.ALTERING) {
      spec.setAlterOffsets(
          new AlterOffsetsBuilder()
              .withNewFromConfigMap(
                  ResourceNames.seedOffsetsConfigMap(connectorName(pipeline, name)))
              .build());
    }
    if (plan.alter().contains(name)) {
      connector.getMetadata().getAnnotations().put(STRIMZI_OFFSETS_ANNOTATION, "alter");
    }
    if (plan.list().contains(name)) {
      connector.getMetadata().getAnnotations().put(STRIMZI_OFFSETS_ANNOTATION, "list");
    }
    // Listed: a seed source's position, and a recovering source's own (it is through its start
    // only once its committed offset is a streaming one).
    if (start.step() == Step.RECOVERING
        || plan.starts().values().stream().anyMatch(s -> name.equals(s.seedSource()))) {
      spec.setListOffsets(
          new ListOffsetsBuilder()
              .withNewToConfigMap(
                  ResourceNames.listedOffsetsConfigMap(connectorName(pipeline, name)))
              .build());
    }
  }

  /**
   * The ConfigMap Strimzi sets a seeded connector's offsets from, while it is asked to: the seed
   * GTIDs under the connector's own partition, with an empty binlog file. With GTIDs the connector
   * finds its place by GTID and ignores file and position, which differ between replicas; without
   * {@code event} and {@code row} it starts at the beginning of the transaction in progress there
   * (a transaction boundary: at worst it repeats rows the seed source sent, which the dedup runtime
   * drops) (docs/operations/reseeding.md).
   */
  public static List<ConfigMap> seedConfigMaps(CdcPipeline pipeline, Plan plan) {
    return pipeline.getSpec().getSource().getReplicas().stream()
        .filter(r -> plan.of(r.getName()).step() == Step.ALTERING)
        .map(r -> seedConfigMap(pipeline, r.getName(), plan.of(r.getName()).seedPosition()))
        .toList();
  }

  static ConfigMap seedConfigMap(CdcPipeline pipeline, String replica, String gtids) {
    String connector = connectorName(pipeline, replica);
    Map<String, Object> offset = new LinkedHashMap<>();
    offset.put("gtids", gtids);
    offset.put("file", "");
    offset.put("pos", 0);
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("partition", Map.of("server", ResourceNames.sourceTopicPrefix(pipeline, replica)));
    entry.put("offset", offset);
    String offsets;
    try {
      offsets = JSON.writeValueAsString(Map.of("offsets", List.of(entry)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return new ConfigMapBuilder()
        .withMetadata(
            Ownership.metadata(
                pipeline,
                ResourceNames.seedOffsetsConfigMap(connector),
                Labels.sourceConnector(pipeline, replica)))
        .withData(Map.of(OFFSETS_KEY, offsets))
        .build();
  }

  private static String connectorName(CdcPipeline pipeline, String replica) {
    return ResourceNames.sourceConnector(pipeline, replica);
  }
}
