package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnedFieldsTest {
  private final OwnedFields owned = new OwnedFields(new KubernetesSerialization());

  private static ConfigMap configMap(Map<String, String> data, Map<String, String> labels) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("orders-dedup")
        .withNamespace("shop")
        .withLabels(labels)
        .addNewOwnerReference()
        .withApiVersion("cdc.twinlog.io/v1alpha1")
        .withKind("CdcPipeline")
        .withName("orders")
        .withUid("u-1")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withData(data)
        .build();
  }

  private static Deployment deployment(int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("orders-dedup")
        .withNamespace("shop")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("dedup")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void sameOwnedFieldsMatchEvenWithServerDefaultsAndForeignMetadata() {
    ConfigMap desired = configMap(Map.of("a", "1"), Map.of("app", "twinlog"));
    ConfigMap actual = configMap(Map.of("a", "1"), Map.of("app", "twinlog", "team", "x"));
    actual.getMetadata().setResourceVersion("42");
    actual.getMetadata().setAnnotations(Map.of("strimzi.io/restart", "true"));

    assertThat(owned.matches(desired, actual)).isTrue();

    Deployment defaulted = deployment(2, "twinlog/dedup:1");
    defaulted.getSpec().setProgressDeadlineSeconds(600);
    defaulted.getSpec().getTemplate().getSpec().setDnsPolicy("ClusterFirst");
    defaulted
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setTerminationMessagePath("/dev/termination-log");
    assertThat(owned.matches(deployment(2, "twinlog/dedup:1"), defaulted)).isTrue();
  }

  @Test
  void aDifferentOwnedFieldIsDrift() {
    assertThat(owned.matches(deployment(3, "twinlog/dedup:1"), deployment(2, "twinlog/dedup:1")))
        .isFalse();
    assertThat(owned.matches(deployment(2, "twinlog/dedup:2"), deployment(2, "twinlog/dedup:1")))
        .isFalse();
    assertThat(
            owned.matches(
                configMap(Map.of("a", "1"), Map.of("app", "twinlog")),
                configMap(Map.of("a", "2"), Map.of("app", "twinlog"))))
        .isFalse();
    assertThat(
            owned.matches(
                configMap(Map.of("a", "1"), Map.of("app", "twinlog")),
                configMap(Map.of("a", "1"), Map.of("app", "other"))))
        .isFalse();
    ConfigMap orphan = configMap(Map.of("a", "1"), Map.of("app", "twinlog"));
    orphan.getMetadata().setOwnerReferences(null);
    assertThat(owned.matches(configMap(Map.of("a", "1"), Map.of("app", "twinlog")), orphan))
        .isFalse();
  }

  @Test
  void resourceQuantitiesCompareByAmountAsTheApiServerCanonicalisesThem() {
    Deployment desired = withResources(deployment(2, "twinlog/dedup:1"), "1024Mi", "1000m");
    Deployment stored = withResources(deployment(2, "twinlog/dedup:1"), "1Gi", "1");
    assertThat(owned.matches(desired, stored)).isTrue();
    assertThat(owned.matches(withResources(deployment(2, "twinlog/dedup:1"), "512Mi", "1"), stored))
        .isFalse();
    assertThat(
            owned.matches(withResources(deployment(2, "twinlog/dedup:1"), "1Gi", "500m"), stored))
        .isFalse();
  }

  private static Deployment withResources(Deployment d, String memory, String cpu) {
    d.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setResources(
            new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity(memory))
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity(cpu))
                .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity(memory))
                .build());
    return d;
  }

  @Test
  void listsMustHaveTheSameLength() {
    Deployment twoContainers = deployment(2, "twinlog/dedup:1");
    twoContainers
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .add(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("sidecar").build());
    assertThat(owned.matches(deployment(2, "twinlog/dedup:1"), twoContainers)).isFalse();
  }

  @Test
  void updateCarriesDesiredFieldsTheActualVersionAndForeignMetadata() {
    ConfigMap desired = configMap(Map.of("a", "2"), Map.of("app", "twinlog"));
    ConfigMap actual =
        configMap(Map.of("a", "1", "stale", "x"), Map.of("app", "twinlog", "team", "x"));
    actual.getMetadata().setResourceVersion("42");
    actual.getMetadata().setAnnotations(Map.of("strimzi.io/restart", "true"));

    ConfigMap update = owned.updateOf(desired, actual);

    assertThat(update.getData()).isEqualTo(Map.of("a", "2"));
    assertThat(update.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(update.getMetadata().getLabels())
        .containsEntry("team", "x")
        .containsEntry("app", "twinlog");
    assertThat(update.getMetadata().getAnnotations()).containsEntry("strimzi.io/restart", "true");
    assertThat(update.getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(owned.matches(desired, update)).isTrue();
    // the desired object itself is left alone
    assertThat(desired.getMetadata().getResourceVersion()).isNull();
  }
}
