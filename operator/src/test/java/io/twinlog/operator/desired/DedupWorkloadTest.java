package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import org.junit.jupiter.api.Test;

class DedupWorkloadTest {

  @Test
  void hardenedDeploymentReadingTheConfigMap() {
    CdcPipeline p = TestPipelines.minimal();
    ConfigMap config = DedupConfig.configMap(p);
    Deployment d = DedupWorkload.deployment(p, config, null, null);
    assertThat(d.getMetadata().getName()).isEqualTo("orders-dedup");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.dedupPods(p));
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo(DedupWorkload.DEFAULT_IMAGE);
    assertThat(c.getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo("orders-dedup-config");
    // the only per-pod value: the pod's own name, for static group membership
    assertThat(c.getEnv())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo(DedupRuntimeEnv.INSTANCE_ID);
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
            });
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .containsExactlyInAnyOrder("/var/lib/twinlog/state", "/tmp");
    assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(DedupWorkload.CONFIG_HASH_ANNOTATION, DedupConfig.hash(config.getData()));
  }

  @Test
  void imageAndResourcesFromSpecOrSettings() {
    CdcPipeline full = TestPipelines.full();
    Container fromSpec =
        DedupWorkload.deployment(full, DedupConfig.configMap(full), "operator/image:9", "Always")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(fromSpec.getImage()).isEqualTo("registry.example/twinlog/dedup:1.2.3");
    assertThat(fromSpec.getImagePullPolicy()).isEqualTo("Always");
    assertThat(fromSpec.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));

    CdcPipeline minimal = TestPipelines.minimal();
    assertThat(
            DedupWorkload.deployment(
                    minimal, DedupConfig.configMap(minimal), "operator/image:9", null)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("operator/image:9");
  }

  @Test
  void configChangeRollsThePods() {
    CdcPipeline p = TestPipelines.full();
    String before = hash(p);
    p.getSpec().getDedup().setWindow("12h");
    assertThat(hash(p)).isNotEqualTo(before);
    p.getSpec().getDedup().setInstances(5);
    String after = hash(p);
    assertThat(hash(p)).isEqualTo(after);
  }

  @Test
  void metricsServiceAndDisruptionBudget() {
    CdcPipeline p = TestPipelines.minimal();
    Service s = DedupWorkload.metricsService(p);
    assertThat(s.getMetadata().getName()).isEqualTo("orders-dedup-metrics");
    assertThat(s.getSpec().getSelector()).isEqualTo(Labels.dedupPods(p));
    assertThat(s.getSpec().getPorts().get(0).getName()).isEqualTo("metrics");
    assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    PodDisruptionBudget pdb = DedupWorkload.disruptionBudget(p);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.dedupPods(p));
  }

  private static String hash(CdcPipeline p) {
    return DedupWorkload.deployment(p, DedupConfig.configMap(p), null, null)
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(DedupWorkload.CONFIG_HASH_ANNOTATION);
  }
}
