package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.webhook.desired.WebhookWorkloads;
import io.twinlog.testkit.TestCertificates;
import io.twinlog.testkit.TestCertificates.ClientCertificate;
import io.twinlog.testkit.TestCertificates.ServerCertificate;
import io.twinlog.testkit.TlsClients;
import io.twinlog.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real webhook receiver (the webhook-receiver module, in this JVM) started exactly as the
 * operator renders it for an ErpWebhook with {@code spec.receiver.tls}: the receiver ConfigMap's
 * environment, and the pod's Secret volumes written to disk as the kubelet would (each item's key
 * to its path under the mount path). So the rendered keys, paths and combinations are ones the
 * receiver accepts, and the probes' port answers without a client certificate while the webhook
 * port refuses a client without one. No Kafka runs: an authenticated webhook is answered 503 after
 * the ack timeout, which is how far it got. A cluster run is the e2e module's.
 */
class ReceiverTlsFromSpecIT {

  static final String WEBHOOK =
      """
      apiVersion: cdc.twinlog.io/v1alpha1
      kind: ErpWebhook
      metadata: {name: erp-invoices, namespace: shop, uid: uid-1}
      spec:
        kafka: {bootstrapServers: "127.0.0.1:9", connectCluster: cdc-connect}
        receiver:
          path: /webhooks/erp
          ackTimeout: 1s
          tls:
            secretName: erp-webhook-tls
            clientAuth: required
            clientCaSecretName: erp-clients-ca
            allowedSubjects: ["CN=sap-prod"]
        auth: {type: certificate}
        event: {id: /id, entityKey: /invoice/number}
        delivery: {url: "https://shop.internal/api/erp-events"}
      """;

  @Test
  void theReceiverServesMutualTlsFromTheRenderedEnvironmentAndMounts(@TempDir Path dir)
      throws Exception {
    ServerCertificate server = TestCertificates.server(dir.resolve("server"));
    ClientCertificate erp = TestCertificates.client(dir.resolve("erp"), "sap-prod");
    ClientCertificate stranger = TestCertificates.client(dir.resolve("stranger"), "sap-prod");
    Map<String, Map<String, String>> secrets =
        Map.of(
            "erp-webhook-tls",
            Map.of(
                "tls.crt", Files.readString(server.certificate()),
                "tls.key", Files.readString(server.key()),
                "ca.crt", server.caPem()),
            "erp-clients-ca",
            Map.of("ca.crt", erp.clientsCaPem()));

    ErpWebhook webhook = new KubernetesSerialization().unmarshal(WEBHOOK, ErpWebhook.class);
    var config = WebhookWorkloads.receiverConfigMap(webhook);
    Deployment deployment = WebhookWorkloads.receiver(webhook, config, null);
    Service service = WebhookWorkloads.receiverService(webhook);
    assertThat(service.getSpec().getPorts().get(0).getAppProtocol()).isEqualTo("https");

    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    kubelet(pod, secrets, dir);
    Map<String, String> env = mounted(config.getData(), pod, dir);
    env.put(WebhookReceiverEnv.PORT, "0");
    env.put(WebhookReceiverEnv.MANAGEMENT_PORT, "0");

    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      URI webhookUri = URI.create("https://localhost:" + receiver.port() + "/webhooks/erp");
      HttpRequest post =
          HttpRequest.newBuilder(webhookUri)
              .timeout(Duration.ofSeconds(20))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"id\":\"e1\",\"invoice\":{\"number\":\"42\"}}"))
              .build();

      // The probes' port: plain HTTP, no client certificate, as a kubelet probe asks.
      HttpResponse<String> livez =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + receiver.managementPort()
                                  + deployment
                                      .getSpec()
                                      .getTemplate()
                                      .getSpec()
                                      .getContainers()
                                      .get(0)
                                      .getLivenessProbe()
                                      .getHttpGet()
                                      .getPath()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(livez.statusCode()).isEqualTo(200);

      // The ERP's certificate gets past the handshake and the subject check: only Kafka is missing.
      HttpResponse<String> accepted =
          TlsClients.client(server.caPem(), erp).send(post, HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(503);

      // No certificate, or one from another CA: refused in the handshake.
      assertThatThrownBy(
              () ->
                  TlsClients.client(server.caPem(), null)
                      .send(post, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(
              () ->
                  TlsClients.client(server.caPem(), stranger)
                      .send(post, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void hmacBehindTheReceiversOwnHttpsReadsItsMountedSecretToo(@TempDir Path dir) throws Exception {
    ServerCertificate server = TestCertificates.server(dir.resolve("server"));
    ErpWebhook webhook =
        new KubernetesSerialization()
            .unmarshal(
                WEBHOOK
                    .replace(
                        "      clientAuth: required\n"
                            + "      clientCaSecretName: erp-clients-ca\n"
                            + "      allowedSubjects: [\"CN=sap-prod\"]\n",
                        "      certificateKey: chain.pem\n")
                    .replace("auth: {type: certificate}", "auth: {type: hmac, secretName: erp}"),
                ErpWebhook.class);
    assertThat(webhook.getSpec().getReceiver().getTls().getClientCaSecretName()).isNull();
    var config = WebhookWorkloads.receiverConfigMap(webhook);
    PodSpec pod =
        WebhookWorkloads.receiver(webhook, config, null).getSpec().getTemplate().getSpec();
    kubelet(
        pod,
        Map.of(
            "erp-webhook-tls",
            Map.of(
                "chain.pem", Files.readString(server.certificate()),
                "tls.key", Files.readString(server.key())),
            "erp",
            Map.of("secret", "whsec-0123456789abcdef")),
        dir);
    Map<String, String> env = mounted(config.getData(), pod, dir);
    env.put(WebhookReceiverEnv.PORT, "0");
    env.put(WebhookReceiverEnv.MANAGEMENT_PORT, "0");
    try (WebhookReceiver receiver = WebhookReceiver.start(env)) {
      HttpResponse<String> unsigned =
          TlsClients.client(server.caPem(), null)
              .send(
                  HttpRequest.newBuilder(
                          URI.create("https://localhost:" + receiver.port() + "/webhooks/erp"))
                      .timeout(Duration.ofSeconds(20))
                      .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"e1\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      // HTTPS without a client certificate, then the HMAC check against the mounted secret.
      assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(401);
    }
  }

  /** Writes each Secret volume's items as the kubelet would, under {@code root}. */
  static void kubelet(PodSpec pod, Map<String, Map<String, String>> secrets, Path root)
      throws IOException {
    Container container = pod.getContainers().get(0);
    for (Volume volume : pod.getVolumes()) {
      if (volume.getSecret() == null) {
        continue;
      }
      String mountPath =
          container.getVolumeMounts().stream()
              .filter(m -> m.getName().equals(volume.getName()))
              .findFirst()
              .orElseThrow()
              .getMountPath();
      Path target = root.resolve(mountPath.substring(1));
      Files.createDirectories(target);
      Map<String, String> data = secrets.get(volume.getSecret().getSecretName());
      assertThat(data).as("Secret " + volume.getSecret().getSecretName()).isNotNull();
      for (var item : volume.getSecret().getItems()) {
        assertThat(data).containsKey(item.getKey());
        Files.writeString(target.resolve(item.getPath()), data.get(item.getKey()));
      }
    }
  }

  /** The environment with each mounted path moved under {@code root}. */
  static Map<String, String> mounted(Map<String, String> env, PodSpec pod, Path root) {
    Map<String, String> moved = new HashMap<>();
    var mounts = pod.getContainers().get(0).getVolumeMounts();
    env.forEach(
        (key, value) -> {
          String result = value;
          for (var mount : mounts) {
            if (value.startsWith(mount.getMountPath() + "/")) {
              result = root.resolve(value.substring(1)).toString();
            }
          }
          moved.put(key, result);
        });
    return moved;
  }
}
