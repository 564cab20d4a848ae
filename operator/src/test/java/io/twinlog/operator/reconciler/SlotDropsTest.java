package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.SlotDropStatus;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SourceConnectors;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which removed replicas' slots are still to drop: read from the connectors about to go. */
class SlotDropsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");

  @Test
  void aRemovedReplicasConnectorSaysWhereItsSlotIsAndEarlierOnesStayPending() {
    CdcPipeline pipeline = TestPipelines.postgres();
    List<KafkaConnector> applied = SourceConnectors.of(pipeline);
    String keptName = applied.get(0).getMetadata().getName();
    SlotDropStatus earlier =
        SlotDropStatus.of(
            "standby-c", "pg-c.db", 5432, "shop", "twinlog_c", "2026-12-02T01:55:00Z");
    CdcPipelineStatus previous = new CdcPipelineStatus();
    previous.setPendingSlotDrops(List.of(earlier));

    // standby-b was removed from the spec: its connector is still there, no longer desired.
    List<SlotDropStatus> pending = SlotDrops.pending(previous, applied, Set.of(keptName), NOW);

    assertThat(pending)
        .containsExactly(
            earlier,
            SlotDropStatus.of(
                "standby-b",
                "pg-standby-b.db",
                5433,
                "shop",
                ResourceNames.replicationSlot(pipeline, "standby-b"),
                "2026-12-02T02:00:00Z"));
    CdcPipelineStatus next = new CdcPipelineStatus();
    next.setPendingSlotDrops(pending);
    assertThat(SlotDrops.pending(next, applied, Set.of(keptName), NOW.plusSeconds(30)))
        .as("seen again on the next reconciliation: not added twice, its time kept")
        .isEqualTo(pending);
  }

  @Test
  void binlogConnectorsAndDesiredOnesHaveNoSlotToDrop() {
    List<KafkaConnector> mariadb = SourceConnectors.of(TestPipelines.minimal());
    assertThat(SlotDrops.pending(null, mariadb, Set.of(), NOW)).isEmpty();
    CdcPipeline pipeline = TestPipelines.postgres();
    List<KafkaConnector> applied = SourceConnectors.of(pipeline);
    Set<String> all =
        Set.of(applied.get(0).getMetadata().getName(), applied.get(1).getMetadata().getName());
    assertThat(SlotDrops.pending(null, applied, all, NOW)).isEmpty();
  }
}
