package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.common.ConnectorState;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.ConsistentStart;
import io.twinlog.operator.desired.ConsistentStart.Start;
import io.twinlog.operator.desired.ConsistentStart.Step;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SourceConnectors;
import io.twinlog.operator.source.Flavor;
import io.twinlog.operator.source.SourceCheckResult;
import io.twinlog.operator.source.SourceFacts;
import io.twinlog.operator.status.Reasons;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The consistent start's steps, one pure decision at a time, and what each makes desired. */
class SourceStartsTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  private final CdcPipeline pipeline = TestPipelines.minimal();
  private final Map<String, KafkaConnector> live = new HashMap<>();

  @Test
  void aNewPipelinesFollowerIsCreatedStoppedForARecoveryWhileTheLeaderSnapshots() {
    Map<String, Start> current = ConsistentStart.current(pipeline, live, T0);
    assertThat(current.get("replica-a")).isEqualTo(Start.DONE);
    SourceStarts.Decision waiting = decide(current, Set.of(), Map.of(), Map.of(), T0);

    assertThat(waiting.plan().of("replica-b").step()).isEqualTo(Step.WAITING);
    assertThat(waiting.plan().of("replica-a")).isEqualTo(Start.DONE);
    assertThat(waiting.plan().list()).isEmpty();
    assertThat(waiting.details().get("replica-b")).contains("replica-a", "snapshot");
    List<KafkaConnector> connectors = SourceConnectors.of(pipeline, waiting.plan());
    assertThat(connectors.get(0).getSpec().getState()).isEqualTo(ConnectorState.RUNNING);
    assertThat(connectors.get(0).getSpec().getConfig()).containsEntry("snapshot.mode", "initial");
    assertThat(connectors.get(1).getSpec().getState()).isEqualTo(ConnectorState.STOPPED);
    assertThat(connectors.get(1).getSpec().getConfig()).containsEntry("snapshot.mode", "recovery");
    assertThat(connectors.get(1).getMetadata().getAnnotations())
        .containsEntry(ConsistentStart.STEP_ANNOTATION, "waiting")
        .doesNotContainKey(ConsistentStart.STRIMZI_OFFSETS_ANNOTATION);
  }

  @Test
  void theWholeStartFromLeaderStreamingToFollowerStreaming() {
    Map<String, Start> current = ConsistentStart.current(pipeline, live, T0);
    Instant t1 = T0.plusSeconds(10);

    // The leader streams: list its offsets, once, into a fresh ConfigMap.
    SourceStarts.Decision listing =
        decide(current, Set.of("replica-a"), Map.of("replica-a", t1), Map.of(), t1);
    assertThat(listing.plan().of("replica-b").step()).isEqualTo(Step.LISTING);
    assertThat(listing.plan().list()).containsExactly("replica-a");
    assertThat(listing.deleteListings()).containsExactly("replica-a");
    assertThat(listing.events())
        .extracting(Announcement::reason)
        .containsExactly(Reasons.SEED_POSITION_REQUESTED);
    List<KafkaConnector> asked = SourceConnectors.of(pipeline, listing.plan());
    assertThat(asked.get(0).getMetadata().getAnnotations())
        .containsEntry(ConsistentStart.STRIMZI_OFFSETS_ANNOTATION, "list");
    assertThat(asked.get(0).getSpec().getListOffsets().getToConfigMap().getName())
        .isEqualTo(ResourceNames.listedOffsetsConfigMap(name("replica-a")));
    assertThat(asked.get(1).getSpec().getState()).isEqualTo(ConnectorState.STOPPED);

    // Listed while still snapshotting: not a position to start from; asked again.
    Instant t2 = t1.plusSeconds(1);
    SourceStarts.Decision midSnapshot =
        decide(
            listing.plan().starts(),
            Set.of("replica-a"),
            Map.of("replica-a", t2),
            Map.of("replica-a", new SourceStarts.Listed("0-1-10", true)),
            t2);
    assertThat(midSnapshot.plan().of("replica-b").step()).isEqualTo(Step.LISTING);
    assertThat(midSnapshot.plan().list()).containsExactly("replica-a");
    assertThat(midSnapshot.deleteListings()).containsExactly("replica-a");

    // A streaming position: Strimzi sets the follower's offsets from the seed ConfigMap.
    Instant t3 = t2.plusSeconds(1);
    SourceStarts.Decision altering =
        decide(
            listing.plan().starts(),
            Set.of("replica-a"),
            Map.of("replica-a", t3),
            Map.of("replica-a", new SourceStarts.Listed("0-1-42", false)),
            t3);
    Start alteringB = altering.plan().of("replica-b");
    assertThat(alteringB.step()).isEqualTo(Step.ALTERING);
    assertThat(alteringB.seedPosition()).isEqualTo("0-1-42");
    assertThat(altering.plan().alter()).containsExactly("replica-b");
    DesiredResources desired = DesiredResources.of(pipeline, null, null, Map.of(), altering.plan());
    KafkaConnector b = desired.sourceConnectors().get(1);
    assertThat(b.getSpec().getState()).isEqualTo(ConnectorState.STOPPED);
    assertThat(b.getMetadata().getAnnotations())
        .containsEntry(ConsistentStart.STRIMZI_OFFSETS_ANNOTATION, "alter")
        .containsEntry(ConsistentStart.SEED_POSITION_ANNOTATION, "0-1-42");
    String seedMap = ResourceNames.seedOffsetsConfigMap(name("replica-b"));
    assertThat(b.getSpec().getAlterOffsets().getFromConfigMap().getName()).isEqualTo(seedMap);
    assertThat(desired.configMaps())
        .filteredOn(c -> c.getMetadata().getName().equals(seedMap))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.getData().get(ConsistentStart.OFFSETS_KEY))
                    .isEqualTo(
                        "{\"offsets\":[{\"partition\":{\"server\":\"shop.orders.replica-b\"},"
                            + "\"offset\":{\"gtids\":\"0-1-42\",\"file\":\"\",\"pos\":0}}]}"));

    // Strimzi has not acted yet: wait.
    live.put("replica-b", withAnnotations(b));
    Instant t4 = t3.plusSeconds(1);
    SourceStarts.Decision notYet =
        decide(altering.plan().starts(), Set.of("replica-a"), Map.of(), Map.of(), t4);
    assertThat(notYet.plan().of("replica-b").step()).isEqualTo(Step.ALTERING);
    assertThat(notYet.plan().alter()).isEmpty();
    assertThat(notYet.details().get("replica-b")).contains("waiting for Strimzi");

    // Strimzi removed its annotation; the replica's binlog is behind the seed: check again soon.
    live.get("replica-b")
        .getMetadata()
        .getAnnotations()
        .remove(ConsistentStart.STRIMZI_OFFSETS_ANNOTATION);
    Instant t5 = t4.plusSeconds(1);
    SourceStarts.Decision behind =
        decide(
            altering.plan().starts(),
            Set.of("replica-a"),
            Map.of(),
            Map.of(),
            t5,
            check("0-1-40", t5));
    assertThat(behind.plan().of("replica-b").step()).isEqualTo(Step.ALTERING);
    assertThat(behind.recheckSoon()).isTrue();
    assertThat(behind.details().get("replica-b")).contains("0-1-42", "0-1-40");

    // A check from before the offsets were set says nothing about the seed: not trusted.
    SourceStarts.Decision stale =
        decide(
            altering.plan().starts(),
            Set.of("replica-a"),
            Map.of(),
            Map.of(),
            t5,
            check("0-1-50", t3.minusSeconds(1)));
    assertThat(stale.plan().of("replica-b").step()).isEqualTo(Step.ALTERING);

    // Its binlog has the seed: it runs, still recovering its schema history.
    SourceStarts.Decision resumed =
        decide(
            altering.plan().starts(),
            Set.of("replica-a"),
            Map.of(),
            Map.of(),
            t5,
            check("0-1-43", t5));
    assertThat(resumed.plan().of("replica-b").step()).isEqualTo(Step.RECOVERING);
    assertThat(resumed.deleteListings()).containsExactly("replica-b");
    assertThat(resumed.events())
        .extracting(Announcement::reason)
        .containsExactly(Reasons.SOURCE_SEEDED);
    KafkaConnector running = SourceConnectors.of(pipeline, resumed.plan()).get(1);
    assertThat(running.getSpec().getState()).isEqualTo(ConnectorState.RUNNING);
    assertThat(running.getSpec().getConfig()).containsEntry("snapshot.mode", "recovery");

    // A heartbeat from before it ran does not count.
    Instant t6 = t5.plusSeconds(5);
    SourceStarts.Decision early =
        decide(
            resumed.plan().starts(),
            Set.of("replica-a"),
            Map.of("replica-b", t5.minusSeconds(1)),
            Map.of(),
            t6);
    assertThat(early.plan().of("replica-b").step()).isEqualTo(Step.RECOVERING);
    assertThat(early.plan().list()).isEmpty();
    // It beats: list its own offsets; the recovery's snapshot marker is still on them.
    SourceStarts.Decision marked =
        decide(
            resumed.plan().starts(),
            Set.of("replica-a", "replica-b"),
            Map.of("replica-b", t6),
            Map.of("replica-b", new SourceStarts.Listed("0-1-42", true)),
            t6);
    assertThat(marked.plan().of("replica-b").step()).isEqualTo(Step.RECOVERING);
    assertThat(marked.plan().list()).containsExactly("replica-b");
    assertThat(marked.deleteListings()).containsExactly("replica-b");
    assertThat(marked.details().get("replica-b")).contains("streaming offset");
    assertThat(SourceConnectors.of(pipeline, marked.plan()).get(1).getSpec().getListOffsets())
        .isNotNull();
    // A streaming offset committed: back to initial.
    SourceStarts.Decision done =
        decide(
            resumed.plan().starts(),
            Set.of("replica-a", "replica-b"),
            Map.of("replica-b", t6),
            Map.of("replica-b", new SourceStarts.Listed("0-1-45", false)),
            t6);
    assertThat(done.plan().of("replica-b").step()).isEqualTo(Step.DONE);
    assertThat(done.deleteListings()).containsExactly("replica-b", "replica-a");
    assertThat(done.plan().starting()).isFalse();
    assertThat(done.events())
        .extracting(Announcement::reason)
        .containsExactly(Reasons.SOURCE_STREAMING);
    KafkaConnector streaming = SourceConnectors.of(pipeline, done.plan()).get(1);
    assertThat(streaming.getSpec().getConfig()).containsEntry("snapshot.mode", "initial");
    assertThat(streaming.getSpec().getState()).isEqualTo(ConnectorState.RUNNING);
    assertThat(streaming.getMetadata().getAnnotations())
        .containsEntry(ConsistentStart.STEP_ANNOTATION, "done");
  }

  @Test
  void connectorsThatExistWithoutTheAnnotationsStartedBeforeAndAreLeftAlone() {
    for (KafkaConnector connector : SourceConnectors.of(pipeline)) {
      live.put(connector.getMetadata().getLabels().get("twinlog.io/replica"), connector);
    }
    Map<String, Start> current = ConsistentStart.current(pipeline, live, T0);
    assertThat(current.values()).containsOnly(Start.DONE);
    SourceStarts.Decision decision = decide(current, Set.of(), Map.of(), Map.of(), T0);
    assertThat(decision.plan().starting()).isFalse();
    assertThat(SourceConnectors.of(pipeline, decision.plan()).get(1).getSpec().getState())
        .isEqualTo(ConnectorState.RUNNING);
  }

  @Test
  void aReplicaAddedToARunningPipelineStartsFromAStreamingSourceWhenTheLeaderIsDown() {
    CdcPipeline three = TestPipelines.full();
    Map<String, KafkaConnector> existing = new HashMap<>();
    for (KafkaConnector connector : SourceConnectors.of(three)) {
      String replica = connector.getMetadata().getLabels().get("twinlog.io/replica");
      if (!replica.equals("replica-c")) {
        existing.put(replica, connector);
      }
    }
    Map<String, Start> current = ConsistentStart.current(three, existing, T0);
    assertThat(current.get("replica-c").step()).isEqualTo(Step.WAITING);
    SourceStarts.Decision decision =
        SourceStarts.decide(
            three,
            current,
            new SourceStarts.Inputs(
                existing, Set.of("replica-b"), Map.of("replica-b", T0), Map.of(), Map.of()),
            T0);
    assertThat(decision.plan().of("replica-c").seedSource()).isEqualTo("replica-b");
    assertThat(decision.plan().list()).containsExactly("replica-b");
  }

  /**
   * The first replica leads a new pipeline's snapshot; a replica put first in the list of a running
   * one is added like any other, seeded from a streaming source: never a second snapshot.
   */
  @Test
  void aReplicaAddedFirstToARunningPipelineIsSeededAndTakesNoSnapshot() {
    CdcPipeline three = TestPipelines.full();
    Map<String, KafkaConnector> existing = new HashMap<>();
    for (KafkaConnector connector : SourceConnectors.of(three)) {
      String replica = connector.getMetadata().getLabels().get("twinlog.io/replica");
      if (!replica.equals("replica-a")) {
        existing.put(replica, connector);
      }
    }
    assertThat(ConsistentStart.leader(three)).isEqualTo("replica-a");
    Map<String, Start> current = ConsistentStart.current(three, existing, T0);
    assertThat(current.get("replica-a").step()).isEqualTo(Step.WAITING);
    KafkaConnector added =
        SourceConnectors.of(three, new ConsistentStart.Plan(current, List.of(), List.of())).get(0);
    assertThat(added.getSpec().getState()).isEqualTo(ConnectorState.STOPPED);
    assertThat(added.getSpec().getConfig()).containsEntry("snapshot.mode", "recovery");
  }

  /**
   * A replica's host changing is a move: the same connector, topic prefix and schema history, so it
   * resumes from its own offsets on the new host, no start and no snapshot.
   */
  @Test
  void aReplicaWhoseHostChangesIsTheSameSourceOnAnotherHost() {
    for (KafkaConnector connector : SourceConnectors.of(pipeline)) {
      live.put(
          connector.getMetadata().getLabels().get("twinlog.io/replica"),
          withAnnotations(connector));
    }
    KafkaConnector before = SourceConnectors.of(pipeline).get(1);
    pipeline.getSpec().getSource().getReplicas().get(1).setHost("replica-b.new-zone.example");
    Map<String, Start> current = ConsistentStart.current(pipeline, live, T0);
    assertThat(current.values()).containsOnly(Start.DONE);
    KafkaConnector after =
        SourceConnectors.of(pipeline, decide(current, Set.of(), Map.of(), Map.of(), T0).plan())
            .get(1);
    assertThat(after.getMetadata().getName()).isEqualTo(before.getMetadata().getName());
    assertThat(after.getSpec().getConfig())
        .containsEntry("database.hostname", "replica-b.new-zone.example")
        .containsEntry("topic.prefix", before.getSpec().getConfig().get("topic.prefix"))
        .containsEntry(
            "schema.history.internal.kafka.topic",
            before.getSpec().getConfig().get("schema.history.internal.kafka.topic"))
        .containsEntry("snapshot.mode", before.getSpec().getConfig().get("snapshot.mode"));
    assertThat(after.getSpec().getState()).isEqualTo(ConnectorState.RUNNING);
  }

  @Test
  void aPurgedSourceIsReseededAutomaticallyAtMostThreeTimesAndOnlyWhenAsked() {
    for (KafkaConnector connector : SourceConnectors.of(pipeline)) {
      live.put(connector.getMetadata().getLabels().get("twinlog.io/replica"), connector);
    }
    Map<String, Start> current = ConsistentStart.current(pipeline, live, T0);
    Map<String, String> purged = Map.of("replica-b", Reasons.BINLOG_POSITION_PURGED);
    SourceStarts.Inputs in =
        new SourceStarts.Inputs(
            live, Set.of("replica-a"), Map.of("replica-a", T0), Map.of(), Map.of(), purged);

    // manual (the default): reported, left alone
    assertThat(SourceStarts.decide(pipeline, current, in, T0).plan().of("replica-b").step())
        .isEqualTo(Step.DONE);

    pipeline.getSpec().getSource().setReseed(io.twinlog.operator.api.v1alpha1.ReseedMode.AUTOMATIC);
    SourceStarts.Decision reseed = SourceStarts.decide(pipeline, current, in, T0);
    Start b = reseed.plan().of("replica-b");
    assertThat(b.step()).isEqualTo(Step.WAITING);
    assertThat(b.reseeds()).isEqualTo(1);
    assertThat(reseed.events())
        .extracting(Announcement::reason)
        .containsExactly(Reasons.SOURCE_RESEEDING);
    KafkaConnector stopped = SourceConnectors.of(pipeline, reseed.plan()).get(1);
    assertThat(stopped.getSpec().getState()).isEqualTo(ConnectorState.STOPPED);
    assertThat(stopped.getMetadata().getAnnotations())
        .containsEntry(ConsistentStart.RESEEDS_ANNOTATION, "1");
    // The next step seeds it from the healthy source, as a start does.
    SourceStarts.Decision listing =
        SourceStarts.decide(pipeline, reseed.plan().starts(), in, T0.plusSeconds(1));
    assertThat(listing.plan().of("replica-b").seedSource()).isEqualTo("replica-a");

    // Just through a start: its status may still say purged (Strimzi's refresh); not again yet.
    Map<String, Start> justDone =
        Map.of("replica-b", new Start(Step.DONE, "replica-a", "0-1-9", T0, 1));
    assertThat(
            SourceStarts.decide(pipeline, justDone, in, T0.plusSeconds(20))
                .plan()
                .of("replica-b")
                .step())
        .isEqualTo(Step.DONE);
    assertThat(
            SourceStarts.decide(pipeline, justDone, in, T0.plusSeconds(31))
                .plan()
                .of("replica-b")
                .reseeds())
        .isEqualTo(2);
    // At most three times.
    Map<String, Start> thrice =
        Map.of("replica-b", new Start(Step.DONE, "replica-a", "0-1-9", T0, 3));
    assertThat(
            SourceStarts.decide(pipeline, thrice, in, T0.plusSeconds(600))
                .plan()
                .of("replica-b")
                .step())
        .isEqualTo(Step.DONE);
    // A purged source is never the seed.
    SourceStarts.Inputs bothPurged =
        new SourceStarts.Inputs(
            live,
            Set.of("replica-a", "replica-b"),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of("replica-a", Reasons.BINLOG_POSITION_PURGED));
    assertThat(SourceStarts.seedSource("replica-a", Map.of(), Set.of("replica-b")))
        .isEqualTo("replica-b");
    assertThat(
            SourceStarts.decide(pipeline, Map.of("replica-b", Start.waiting(T0)), bothPurged, T0)
                .plan()
                .of("replica-b")
                .step())
        .isEqualTo(Step.WAITING);
  }

  @Test
  void singleReplicaOrNoDataSnapshotPipelinesStartAsBefore() {
    assertThat(ConsistentStart.applies(pipeline)).isTrue();
    assertThat(ConsistentStart.applies(TestPipelines.postgres())).isFalse();
    CdcPipeline noData = TestPipelines.minimal();
    io.twinlog.operator.api.v1alpha1.SnapshotSpec snapshot =
        new io.twinlog.operator.api.v1alpha1.SnapshotSpec();
    snapshot.setMode(io.twinlog.operator.api.v1alpha1.SnapshotMode.NO_DATA);
    noData.getSpec().getSource().setSnapshot(snapshot);
    assertThat(ConsistentStart.startsTogether(noData)).isFalse();
    assertThat(ConsistentStart.applies(noData)).isTrue();
    assertThat(ConsistentStart.current(noData, Map.of(), T0).values()).containsOnly(Start.DONE);
  }

  @Test
  void aListingIsReadForTheSourcesOwnPartition() {
    String json =
        "{\"offsets\":[{\"partition\":{\"server\":\"other\"},\"offset\":{\"gtids\":\"0-1-1\"}},"
            + "{\"partition\":{\"server\":\"shop.orders.replica-a\"},"
            + "\"offset\":{\"gtids\":\"0-1-9\",\"file\":\"b.000001\",\"pos\":4,\"snapshot\":\"INITIAL\"}}]}";
    assertThat(SourceStarts.listed(json, "shop.orders.replica-a"))
        .isEqualTo(new SourceStarts.Listed("0-1-9", true));
    assertThat(SourceStarts.listed("{\"offsets\":[]}", "shop.orders.replica-a")).isNull();
    assertThat(
            SourceStarts.listed(
                "{\"offsets\":[{\"partition\":{\"server\":\"s\"},"
                    + "\"offset\":{\"gtids\":\"0-1-9\",\"file\":\"\",\"pos\":0}}]}",
                "s"))
        .isEqualTo(new SourceStarts.Listed("0-1-9", false));
    assertThat(SourceStarts.listed("not json", "x")).isNull();
  }

  private SourceStarts.Decision decide(
      Map<String, Start> current,
      Set<String> streaming,
      Map<String, Instant> heartbeats,
      Map<String, SourceStarts.Listed> listed,
      Instant now) {
    return SourceStarts.decide(
        pipeline,
        current,
        new SourceStarts.Inputs(live, streaming, heartbeats, Map.of(), listed),
        now);
  }

  private SourceStarts.Decision decide(
      Map<String, Start> current,
      Set<String> streaming,
      Map<String, Instant> heartbeats,
      Map<String, SourceStarts.Listed> listed,
      Instant now,
      SourceCheckResult check) {
    return SourceStarts.decide(
        pipeline,
        current,
        new SourceStarts.Inputs(live, streaming, heartbeats, Map.of("replica-b", check), listed),
        now);
  }

  private static SourceCheckResult check(String gtidPosition, Instant at) {
    Map<String, String> variables = new HashMap<>();
    variables.put("version", "11.4.5-MariaDB-log");
    variables.put("gtid_binlog_pos", gtidPosition);
    SourceFacts facts = SourceFacts.fromVariables(variables);
    assertThat(facts.flavor()).isEqualTo(Flavor.MARIADB);
    return new SourceCheckResult("replica-b", at, List.of(), facts);
  }

  private KafkaConnector withAnnotations(KafkaConnector desired) {
    desired.getMetadata().setAnnotations(new HashMap<>(desired.getMetadata().getAnnotations()));
    return desired;
  }

  private String name(String replica) {
    return ResourceNames.sourceConnector(pipeline, replica);
  }
}
