package io.twinlog.e2e.stack;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.operator.desired.Labels;
import io.twinlog.operator.webhook.desired.WebhookLabels;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * TEST CODE: what the {@link Pods} stand-in needs to run one kind of Twinlog pod as a child JVM:
 * which Deployments (by {@code app.kubernetes.io/component}), which main class, and the overrides
 * that must differ on one machine (every pod here shares 127.0.0.1 and one file system). Each
 * override is what a kubelet provides per pod (its own IP, its emptyDir, its mounted Secret), never
 * a setting the operator should have made.
 */
public record PodRecipe(
    String component, Function<Deployment, String> mainClass, Overrides overrides) {

  /** The machine's overrides of one pod's environment, in place. */
  @FunctionalInterface
  public interface Overrides {
    /**
     * @param env the container's environment (its ConfigMap's data and downward-API values), to
     *     change
     * @param podDir the pod's own folder (its emptyDirs and mounted files)
     * @param port a free port for the management server, whose {@code /readyz} is the readiness
     *     probe
     */
    void apply(
        Map<String, String> env,
        Deployment deployment,
        Path podDir,
        int port,
        KubernetesClient client)
        throws IOException;
  }

  /** The pod's environment: the container's with this machine's overrides. */
  public Map<String, String> environment(
      Map<String, String> container,
      Deployment deployment,
      Path podDir,
      int port,
      KubernetesClient client)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>(container);
    overrides.apply(env, deployment, podDir, port, client);
    return env;
  }

  private static final String METADATA_MAX_AGE =
      DedupRuntimeEnv.KAFKA_PASSTHROUGH_PREFIX + "METADATA_MAX_AGE_MS";

  /** The dedup runtime of a CdcPipeline. */
  public static final PodRecipe DEDUP =
      new PodRecipe(
          Labels.DEDUP,
          d -> "io.twinlog.dedup.DedupRuntime",
          (env, deployment, podDir, port, client) -> {
            env.put(DedupRuntimeEnv.STATE_DIR, podDir.resolve("state").toString());
            env.put(DedupRuntimeEnv.METRICS_PORT, Integer.toString(port));
            // WORKAROUND (reported defect, not a test need): the runtime subscribes to its source
            // topics by pattern with Kafka's default metadata.max.age.ms (5 min), so topics
            // Debezium creates after the runtime started are only seen up to 5 minutes later.
            // Applied only while the operator's ConfigMap does not set it itself.
            env.putIfAbsent(METADATA_MAX_AGE, "5000");
          });

  /**
   * An ErpWebhook's receiver: the image's entry point ({@code java -jar}, whose manifest names the
   * receiver), its own webhook port, and the Secret key mounted as the file the ConfigMap names.
   */
  public static final PodRecipe WEBHOOK_RECEIVER =
      new PodRecipe(
          WebhookLabels.RECEIVER,
          d -> "io.twinlog.webhook.WebhookReceiver",
          (env, deployment, podDir, port, client) -> {
            env.put(WebhookReceiverEnv.MANAGEMENT_PORT, Integer.toString(port));
            env.put(WebhookReceiverEnv.PORT, Integer.toString(freePort()));
            String file = env.get(WebhookReceiverEnv.SECRET_FILE);
            env.put(
                WebhookReceiverEnv.SECRET_FILE,
                mountSecret(deployment, file, podDir, client).toString());
          });

  /** An ErpWebhook's dedup step: the class its container's command names, its state emptyDir. */
  public static final PodRecipe WEBHOOK_DEDUP =
      new PodRecipe(
          WebhookLabels.DEDUP,
          d -> containerOf(d).getCommand().get(containerOf(d).getCommand().size() - 1),
          (env, deployment, podDir, port, client) -> {
            env.put(WebhookReceiverEnv.MANAGEMENT_PORT, Integer.toString(port));
            env.put(WebhookReceiverEnv.DEDUP_STATE_DIR, podDir.resolve("state").toString());
          });

  private static Container containerOf(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** A port nothing listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * What the kubelet does for a Secret volume: writes each listed key to its path under the mount.
   * Returns where {@code file} (a path under a mount of the container) is in {@code podDir}.
   */
  private static Path mountSecret(
      Deployment deployment, String file, Path podDir, KubernetesClient client) throws IOException {
    Container container = containerOf(deployment);
    for (VolumeMount mount : container.getVolumeMounts()) {
      if (!file.startsWith(mount.getMountPath() + "/")) {
        continue;
      }
      Volume volume =
          deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()) && v.getSecret() != null)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException(file + " is not on a Secret volume"));
      Secret secret =
          client
              .secrets()
              .inNamespace(deployment.getMetadata().getNamespace())
              .withName(volume.getSecret().getSecretName())
              .get();
      if (secret == null) {
        // the kubelet keeps such a pod in ContainerCreating
        throw new IllegalStateException(
            "Secret " + volume.getSecret().getSecretName() + " missing");
      }
      Path dir = Files.createDirectories(podDir.resolve(mount.getName()));
      for (var item : volume.getSecret().getItems()) {
        String value = secret.getData().get(item.getKey());
        if (value == null) {
          throw new IllegalStateException("Secret key " + item.getKey() + " missing");
        }
        Files.write(dir.resolve(item.getPath()), Base64.getDecoder().decode(value));
      }
      return dir.resolve(file.substring(mount.getMountPath().length() + 1));
    }
    throw new IllegalStateException(file + " is under no volume mount of the container");
  }
}
