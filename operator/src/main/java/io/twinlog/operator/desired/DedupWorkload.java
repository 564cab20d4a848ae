package io.twinlog.operator.desired;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import java.util.Map;

/** The dedup runtime's Deployment, metrics Service and PodDisruptionBudget. */
public final class DedupWorkload {
  private DedupWorkload() {}

  /** Image used when neither the pipeline nor the operator's settings name one. */
  public static final String DEFAULT_IMAGE = "ghcr.io/twinlog/twinlog-dedup-runtime:0.1.0";

  /** Pod-template annotation holding {@link DedupConfig#hash}. */
  public static final String CONFIG_HASH_ANNOTATION = "twinlog.io/config-hash";

  /** Name of the container and of its metrics port. */
  public static final String CONTAINER = "dedup";

  /** Name of the metrics port (the Helm chart's PodMonitor scrapes it by name). */
  public static final String METRICS_PORT_NAME = "metrics";

  /** User and group the runtime runs as. */
  public static final long RUN_AS_USER = 10001L;

  /**
   * The Deployment.
   *
   * @param config the ConfigMap from {@link DedupConfig#configMap}; its data hash rolls the pods
   * @param image the image, from the pipeline, else the operator's settings, else {@link
   *     #DEFAULT_IMAGE}
   * @param imagePullPolicy null for Kubernetes' default
   */
  public static Deployment deployment(
      CdcPipeline pipeline, ConfigMap config, String image, String imagePullPolicy) {
    Map<String, String> podLabels = Labels.of(pipeline, Labels.DEDUP);
    return new DeploymentBuilder()
        .withMetadata(Ownership.metadata(pipeline, ResourceNames.dedup(pipeline), podLabels))
        .withNewSpec()
        .withReplicas(pipeline.getSpec().getDedup().getInstances())
        .withNewSelector()
        .withMatchLabels(Labels.dedupPods(pipeline))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .addToAnnotations(CONFIG_HASH_ANNOTATION, DedupConfig.hash(config.getData()))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(60L)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS_USER)
        .withRunAsGroup(RUN_AS_USER)
        .withFsGroup(RUN_AS_USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withNewAffinity()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector()
        .withMatchLabels(Labels.dedupPods(pipeline))
        .endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .withContainers(container(pipeline, config, image, imagePullPolicy))
        .addNewVolume()
        .withName("state")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addAllToVolumes(KafkaClientSecurity.dedupVolumes(pipeline))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(
      CdcPipeline pipeline, ConfigMap config, String image, String imagePullPolicy) {
    String specImage = pipeline.getSpec().getDedup().getImage();
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(specImage != null ? specImage : image != null ? image : DEFAULT_IMAGE)
        .withImagePullPolicy(imagePullPolicy)
        .addNewEnvFrom()
        .withNewConfigMapRef()
        .withName(config.getMetadata().getName())
        .endConfigMapRef()
        .endEnvFrom()
        // The pod's name is stable across container restarts: as group.instance.id it lets a
        // crashed runtime take its partitions back without a rebalance or a session timeout.
        .addNewEnv()
        .withName(DedupRuntimeEnv.INSTANCE_ID)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.name")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewPort()
        .withName(METRICS_PORT_NAME)
        .withContainerPort(DedupRuntimeEnv.DEFAULT_METRICS_PORT)
        .withProtocol("TCP")
        .endPort()
        .withLivenessProbe(probe("/livez", 30, 3))
        .withReadinessProbe(probe("/readyz", 5, 3))
        .withStartupProbe(probe("/livez", 0, 60))
        .withResources(resources(pipeline))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("state")
        .withMountPath(DedupConfig.STATE_DIR)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .addAllToVolumeMounts(KafkaClientSecurity.dedupMounts(pipeline))
        .build();
  }

  private static Probe probe(String path, int initialDelaySeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(METRICS_PORT_NAME))
        .endHttpGet()
        .withInitialDelaySeconds(initialDelaySeconds == 0 ? null : initialDelaySeconds)
        .withPeriodSeconds(initialDelaySeconds == 0 ? 5 : 10)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  /** The spec's resources, or a modest default sized for the RocksDB window store. */
  static ResourceRequirements resources(CdcPipeline pipeline) {
    ResourceRequirements fromSpec = pipeline.getSpec().getDedup().getResources();
    if (fromSpec != null) {
      return fromSpec;
    }
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .build();
  }

  /** ClusterIP Service exposing the metrics port of the runtime pods. */
  public static Service metricsService(CdcPipeline pipeline) {
    return new ServiceBuilder()
        .withMetadata(
            Ownership.metadata(
                pipeline,
                ResourceNames.dedupMetricsService(pipeline),
                Labels.of(pipeline, Labels.DEDUP)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.dedupPods(pipeline))
        .addNewPort()
        .withName(METRICS_PORT_NAME)
        .withPort(DedupRuntimeEnv.DEFAULT_METRICS_PORT)
        .withTargetPort(new IntOrString(METRICS_PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** At most one runtime pod down for voluntary disruptions (node drains). */
  public static PodDisruptionBudget disruptionBudget(CdcPipeline pipeline) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(
            Ownership.metadata(
                pipeline, ResourceNames.dedup(pipeline), Labels.of(pipeline, Labels.DEDUP)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.dedupPods(pipeline))
        .endSelector()
        .endSpec()
        .build();
  }
}
