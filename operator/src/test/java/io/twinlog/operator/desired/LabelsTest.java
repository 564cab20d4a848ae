package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void everyResourceCarriesTheRecommendedLabelsAndTheOwnerSelector() {
    CdcPipeline p = TestPipelines.full();
    for (HasMetadata resource : DesiredResources.of(p).all()) {
      assertThat(resource.getMetadata().getLabels())
          .as(resource.getKind() + " " + resource.getMetadata().getName())
          .contains(
              entry(Labels.NAME, "twinlog"),
              entry(Labels.INSTANCE, "orders"),
              entry(Labels.MANAGED_BY, "twinlog-operator"),
              entry(Labels.PIPELINE, "orders"))
          .containsKey(Labels.COMPONENT)
          .containsAllEntriesOf(Labels.ownedBy(p));
    }
  }

  @Test
  void componentsAndStrimziClusters() {
    CdcPipeline p = TestPipelines.full();
    DesiredResources desired = DesiredResources.of(p);
    assertThat(desired.sourceConnectors().get(1).getMetadata().getLabels())
        .contains(
            entry(Labels.COMPONENT, "source"),
            entry(Labels.REPLICA, "replica-b"),
            entry(Labels.STRIMZI_CLUSTER, "cdc-connect"));
    assertThat(desired.sinkConnector().getMetadata().getLabels())
        .contains(entry(Labels.COMPONENT, "sink"), entry(Labels.STRIMZI_CLUSTER, "cdc-connect"));
    assertThat(desired.topics())
        .allSatisfy(
            t ->
                assertThat(t.getMetadata().getLabels())
                    .containsEntry(Labels.STRIMZI_CLUSTER, "main"));
    assertThat(desired.dedup().getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(Labels.dedupPods(p))
        .containsEntry(Labels.COMPONENT, "dedup");
  }
}
