package io.twinlog.operator.webhook.desired;

import static io.twinlog.operator.webhook.desired.ReceiverConfig.MANAGEMENT_PORT_NUMBER;
import static io.twinlog.operator.webhook.desired.ReceiverConfig.WEBHOOK_PORT;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverClientAuth;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverTlsSpec;
import io.twinlog.operator.api.v1alpha1.webhook.WebhookAuthType;
import io.twinlog.operator.desired.DedupWorkload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiver's Deployment, Service and PodDisruptionBudget, and the dedup step's Deployment:
 * non-root, read-only root filesystem, no service account token, probes on the management port.
 */
public final class WebhookWorkloads {
  private WebhookWorkloads() {}

  /** Image used when neither the webhook nor the operator's settings name one. */
  public static final String DEFAULT_IMAGE = "ghcr.io/twinlog/twinlog-webhook-receiver:0.1.0";

  /** Pod-template annotation holding the hash of the ConfigMap the pods read. */
  public static final String CONFIG_HASH_ANNOTATION = DedupWorkload.CONFIG_HASH_ANNOTATION;

  /** Names of the container ports (a PodMonitor scrapes {@code management}). */
  public static final String WEBHOOK_PORT_NAME = "webhook";

  public static final String MANAGEMENT_PORT_NAME = "management";

  /** Name of the Service's port when the receiver serves HTTPS itself. */
  public static final String HTTPS_PORT_NAME = "https";

  /** User and group the image runs as. */
  public static final long RUN_AS_USER = 10001L;

  /** Main class of the dedup step, in the same image as the receiver. */
  public static final String DEDUP_MAIN_CLASS = "io.twinlog.webhook.dedup.EventDedup";

  public static ConfigMap receiverConfigMap(ErpWebhook webhook) {
    return ReceiverConfig.configMap(
        webhook,
        WebhookNames.receiver(webhook),
        WebhookLabels.RECEIVER,
        ReceiverConfig.receiverEnv(webhook));
  }

  public static ConfigMap dedupConfigMap(ErpWebhook webhook) {
    return ReceiverConfig.configMap(
        webhook,
        WebhookNames.dedup(webhook),
        WebhookLabels.DEDUP,
        ReceiverConfig.dedupEnv(webhook));
  }

  /**
   * The receiver Deployment.
   *
   * @param image the operator's default image; the webhook's {@code spec.receiver.image} wins
   */
  public static Deployment receiver(ErpWebhook webhook, ConfigMap config, String image) {
    // Longer than the ack timeout: on SIGTERM every request in flight still gets its answer.
    long grace = Durations.toMillis(webhook.getSpec().getReceiver().getAckTimeout()) / 1000 + 15;
    List<Volume> volumes = receiverSecretVolumes(webhook);
    ContainerBuilder container =
        base(webhook, "receiver", config, image)
            .addNewPort()
            .withName(WEBHOOK_PORT_NAME)
            .withContainerPort(WEBHOOK_PORT)
            .withProtocol("TCP")
            .endPort()
            .withResources(resources(webhook));
    for (Volume volume : volumes) {
      container.addToVolumeMounts(
          new VolumeMountBuilder()
              .withName(volume.getName())
              .withMountPath(MOUNT_PATHS.get(volume.getName()))
              .withReadOnly(true)
              .build());
    }
    return deployment(
        webhook,
        WebhookNames.receiver(webhook),
        WebhookLabels.RECEIVER,
        webhook.getSpec().getReceiver().getReplicas(),
        config,
        pod(webhook, WebhookLabels.RECEIVER, container.build(), volumes, grace));
  }

  /** Volume names of the receiver's mounted Secrets, to where they are mounted. */
  private static final Map<String, String> MOUNT_PATHS =
      Map.of(
          "secret", ReceiverConfig.SECRET_DIR,
          "tls", ReceiverConfig.TLS_DIR,
          "client-ca", ReceiverConfig.CLIENT_CA_DIR);

  /**
   * The Secrets the receiver reads, as volumes (read-only, mode 0440, whole directories rather than
   * {@code subPath}, so a rotated Secret reaches the running pods): the HMAC secret or token unless
   * the client certificate alone authenticates, and with {@code spec.receiver.tls} the certificate
   * and key and, when client certificates are asked for, their CA bundle. Each key gets a fixed
   * file name, whatever it is called in its Secret.
   */
  static List<Volume> receiverSecretVolumes(ErpWebhook webhook) {
    var auth = webhook.getSpec().getAuth();
    List<Volume> volumes = new ArrayList<>();
    if (auth.getType() != WebhookAuthType.CERTIFICATE) {
      volumes.add(
          secretVolume(
              "secret",
              auth.getSecretName(),
              Map.of(auth.getSecretKey(), ReceiverConfig.SECRET_FILE_NAME)));
    }
    ReceiverTlsSpec tls = webhook.getSpec().getReceiver().getTls();
    if (tls != null) {
      Map<String, String> items = new LinkedHashMap<>();
      items.put(tls.getCertificateKey(), ReceiverConfig.TLS_CERT_FILE_NAME);
      items.put(tls.getKeyKey(), ReceiverConfig.TLS_KEY_FILE_NAME);
      volumes.add(secretVolume("tls", tls.getSecretName(), items));
      if (tls.getClientAuth() != ReceiverClientAuth.NONE) {
        volumes.add(
            secretVolume(
                "client-ca",
                tls.getClientCaSecretName(),
                Map.of(tls.getClientCaKey(), ReceiverConfig.CLIENT_CA_FILE_NAME)));
      }
    }
    return volumes;
  }

  /**
   * The names of the Secrets the receiver pods mount (the kubelet reads them, not the operator).
   */
  public static List<String> receiverSecrets(ErpWebhook webhook) {
    return receiverSecretVolumes(webhook).stream()
        .map(v -> v.getSecret().getSecretName())
        .distinct()
        .toList();
  }

  private static Volume secretVolume(String name, String secretName, Map<String, String> items) {
    var secret = new VolumeBuilder().withName(name).withNewSecret().withSecretName(secretName);
    items.forEach((key, path) -> secret.addNewItem().withKey(key).withPath(path).endItem());
    return secret.withDefaultMode(0440).endSecret().build();
  }

  /** The dedup step's Deployment: two instances, so one takes over the other's partitions. */
  public static Deployment dedup(ErpWebhook webhook, ConfigMap config, String image) {
    Container container =
        base(webhook, "dedup", config, image)
            .withCommand(
                "java", "-cp", "/opt/twinlog/twinlog-webhook-receiver.jar", DEDUP_MAIN_CLASS)
            .withResources(
                new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("100m"))
                    .addToRequests("memory", new Quantity("256Mi"))
                    .addToLimits("memory", new Quantity("512Mi"))
                    .build())
            .addToVolumeMounts(
                new VolumeMountBuilder()
                    .withName("state")
                    .withMountPath(ReceiverConfig.STATE_DIR)
                    .build())
            .build();
    Volume state = new VolumeBuilder().withName("state").withNewEmptyDir().endEmptyDir().build();
    return deployment(
        webhook,
        WebhookNames.dedup(webhook),
        WebhookLabels.DEDUP,
        2,
        config,
        pod(webhook, WebhookLabels.DEDUP, container, List.of(state), 60));
  }

  /**
   * ClusterIP Service: {@code spec.receiver.port} to the webhook port only (not management). With
   * {@code spec.receiver.tls} the port is named {@code https} with {@code appProtocol: https}, so
   * an ingress or mesh in front knows to speak TLS to it.
   */
  public static Service receiverService(ErpWebhook webhook) {
    boolean https = webhook.getSpec().getReceiver().getTls() != null;
    return new ServiceBuilder()
        .withMetadata(
            WebhookOwnership.metadata(
                webhook,
                WebhookNames.receiver(webhook),
                WebhookLabels.of(webhook, WebhookLabels.RECEIVER)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(WebhookLabels.pods(webhook, WebhookLabels.RECEIVER))
        .addNewPort()
        .withName(https ? HTTPS_PORT_NAME : WEBHOOK_PORT_NAME)
        .withAppProtocol(https ? "https" : null)
        .withPort(webhook.getSpec().getReceiver().getPort())
        .withTargetPort(new IntOrString(WEBHOOK_PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** At most one receiver pod down for voluntary disruptions (node drains). */
  public static PodDisruptionBudget receiverDisruptionBudget(ErpWebhook webhook) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(
            WebhookOwnership.metadata(
                webhook,
                WebhookNames.receiver(webhook),
                WebhookLabels.of(webhook, WebhookLabels.RECEIVER)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(WebhookLabels.pods(webhook, WebhookLabels.RECEIVER))
        .endSelector()
        .endSpec()
        .build();
  }

  private static ContainerBuilder base(
      ErpWebhook webhook, String name, ConfigMap config, String image) {
    String specImage = webhook.getSpec().getReceiver().getImage();
    return new ContainerBuilder()
        .withName(name)
        .withImage(specImage != null ? specImage : image != null ? image : DEFAULT_IMAGE)
        .addNewEnvFrom()
        .withNewConfigMapRef()
        .withName(config.getMetadata().getName())
        .endConfigMapRef()
        .endEnvFrom()
        .addNewPort()
        .withName(MANAGEMENT_PORT_NAME)
        .withContainerPort(MANAGEMENT_PORT_NUMBER)
        .withProtocol("TCP")
        .endPort()
        .addToVolumeMounts(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
        .withLivenessProbe(probe(WebhookReceiverEnv.LIVENESS_PATH, 3))
        .withReadinessProbe(probe(WebhookReceiverEnv.READINESS_PATH, 2))
        .withSecurityContext(
            new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .build());
  }

  /**
   * Plain HTTP on the management port, also when the webhook port serves HTTPS: the receiver serves
   * {@code /livez} and {@code /readyz} there on a server of their own, never with TLS and never
   * asking for a client certificate (which a kubelet probe could not present).
   */
  private static Probe probe(String path, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(MANAGEMENT_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static PodSpec pod(
      ErpWebhook webhook,
      String component,
      Container container,
      List<Volume> volumes,
      long terminationGraceSeconds) {
    return new PodSpecBuilder()
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(terminationGraceSeconds)
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
        .withMatchLabels(WebhookLabels.pods(webhook, component))
        .endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .withContainers(container)
        .withVolumes(withTmp(volumes))
        .build();
  }

  /**
   * Volumes plus an emptyDir for /tmp: with a read-only root filesystem, JNI libraries (RocksDB in
   * the dedup step, zstd or snappy when compression is passed through) are unpacked there.
   */
  private static List<Volume> withTmp(List<Volume> volumes) {
    List<Volume> all = new ArrayList<>(volumes);
    all.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    return all;
  }

  private static Deployment deployment(
      ErpWebhook webhook,
      String name,
      String component,
      int replicas,
      ConfigMap config,
      PodSpec pod) {
    Map<String, String> labels = WebhookLabels.of(webhook, component);
    return new DeploymentBuilder()
        .withMetadata(WebhookOwnership.metadata(webhook, name, labels))
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(WebhookLabels.pods(webhook, component))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToAnnotations(CONFIG_HASH_ANNOTATION, ReceiverConfig.hash(config.getData()))
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  static ResourceRequirements resources(ErpWebhook webhook) {
    ResourceRequirements fromSpec = webhook.getSpec().getReceiver().getResources();
    if (fromSpec != null) {
      return fromSpec;
    }
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("192Mi"))
        .addToLimits("memory", new Quantity("384Mi"))
        .build();
  }
}
