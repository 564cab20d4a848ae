package io.twinlog.operator.webhook.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverTlsSpec;
import io.twinlog.operator.api.v1alpha1.webhook.WebhookAuthSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The desired state of an ErpWebhook, as a function of the example in docs/concepts/webhooks.md.
 */
class WebhookResourcesTest {
  /** The ErpWebhook example of the concept doc, so the doc and the builders cannot drift apart. */
  static ErpWebhook fromDocs() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "concepts", "webhooks.md"));
    Matcher yaml =
        Pattern.compile(
                "```yaml\n(apiVersion: cdc.twinlog.io/v1alpha1\nkind: ErpWebhook\n.*?)```",
                Pattern.DOTALL)
            .matcher(doc);
    assertThat(yaml.find()).as("an ErpWebhook example in docs/concepts/webhooks.md").isTrue();
    ErpWebhook webhook = new KubernetesSerialization().unmarshal(yaml.group(1), ErpWebhook.class);
    webhook.getMetadata().setUid("uid-1");
    return webhook;
  }

  @Test
  void theDocsExampleParses() throws Exception {
    ErpWebhook webhook = fromDocs();
    assertThat(webhook.getSpec().getAuth().getSecretName()).isEqualTo("erp-webhook");
    assertThat(webhook.getSpec().getEvent().getEntityKey()).isEqualTo("/invoice/number");
    assertThat(webhook.getSpec().getReceiver().getPath()).isEqualTo("/webhooks/erp");
    assertThat(webhook.getSpec().getDelivery().getUrl())
        .isEqualTo("https://shop.internal/api/erp-events");
  }

  @Test
  void everythingIsOwnedLabelledAndInTheNamespace() throws Exception {
    ErpWebhook webhook = fromDocs();
    List<HasMetadata> resources = WebhookResources.desired(webhook, null);
    assertThat(resources)
        .extracting(HasMetadata::getKind)
        .containsExactly(
            "KafkaTopic",
            "KafkaTopic",
            "KafkaTopic",
            "ConfigMap",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "ConfigMap",
            "Deployment",
            "KafkaConnector");
    for (HasMetadata resource : resources) {
      assertThat(resource.getMetadata().getNamespace()).isEqualTo("shop");
      assertThat(resource.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              ref -> {
                assertThat(ref.getKind()).isEqualTo("ErpWebhook");
                assertThat(ref.getUid()).isEqualTo("uid-1");
                assertThat(ref.getController()).isTrue();
              });
      assertThat(resource.getMetadata().getLabels())
          .containsEntry(WebhookLabels.WEBHOOK, "erp-invoices")
          .containsEntry("app.kubernetes.io/managed-by", "twinlog-operator");
    }
    // A pure function: the same input gives the same output.
    assertThat(WebhookResources.desired(fromDocs(), null)).isEqualTo(resources);
  }

  @Test
  void topicsAreKeyedPartitionedAlikeAndOnTheKafkaCluster() throws Exception {
    List<KafkaTopic> topics = WebhookTopics.of(fromDocs());
    assertThat(topics)
        .extracting(t -> t.getSpec().getTopicName())
        .containsExactly(
            "shop.erp-invoices.webhooks",
            "shop.erp-invoices.webhooks.dedup",
            "shop.erp-invoices.webhooks.dlq");
    assertThat(topics).extracting(t -> t.getSpec().getPartitions()).containsExactly(3, 3, 1);
    assertThat(topics.get(0).getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "main");
    assertThat(topics.get(0).getSpec().getConfig())
        .containsEntry("message.timestamp.type", "LogAppendTime")
        .containsEntry("retention.ms", 168L * 3600 * 1000)
        .containsEntry("max.message.bytes", 1048576 + 65536);
    assertThat(topics.get(1).getSpec().getConfig())
        .containsEntry("max.message.bytes", 1048576 + 65536);
  }

  @Test
  void receiverIsHardenedProbedAndReadsItsSecretFromAFile() throws Exception {
    ErpWebhook webhook = fromDocs();
    ConfigMap config = WebhookWorkloads.receiverConfigMap(webhook);
    Deployment deployment = WebhookWorkloads.receiver(webhook, config, "registry.internal/wh:1");
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container.getImage()).isEqualTo("registry.internal/wh:1");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo(WebhookWorkloads.MANAGEMENT_PORT_NAME);
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(25L);
    assertThat(pod.getVolumes()).hasSize(2);
    assertThat(pod.getVolumes().get(0))
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("erp-webhook");
              assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("secret");
            });
    assertWritableTmp(pod, container);

    Map<String, String> env = config.getData();
    assertThat(env)
        .containsEntry(WebhookReceiverEnv.BOOTSTRAP_SERVERS, "main-kafka-bootstrap:9092")
        .containsEntry(WebhookReceiverEnv.TOPIC, "shop.erp-invoices.webhooks")
        .containsEntry(WebhookReceiverEnv.PATH, "/webhooks/erp")
        .containsEntry(WebhookReceiverEnv.AUTH_TYPE, "hmac")
        .containsEntry(WebhookReceiverEnv.SECRET_FILE, "/etc/twinlog/webhook-secret/secret")
        .containsEntry(WebhookReceiverEnv.REPLAY_WINDOW_MS, "300000")
        .containsEntry(WebhookReceiverEnv.ENTITY_KEY, "/invoice/number")
        .containsEntry(WebhookReceiverEnv.ACK_TIMEOUT_MS, "10000")
        .doesNotContainKey(WebhookReceiverEnv.SECRET);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(WebhookWorkloads.CONFIG_HASH_ANNOTATION);

    // A config change rolls the pods.
    webhook.getSpec().getReceiver().setMaxBodyBytes(4096);
    ConfigMap changed = WebhookWorkloads.receiverConfigMap(webhook);
    assertThat(
            WebhookWorkloads.receiver(webhook, changed, null)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .isNotEqualTo(deployment.getSpec().getTemplate().getMetadata().getAnnotations());
  }

  @Test
  void serviceExposesOnlyTheWebhookPortAndThePdbKeepsAllButOne() throws Exception {
    ErpWebhook webhook = fromDocs();
    Service service = WebhookWorkloads.receiverService(webhook);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(80);
              assertThat(p.getTargetPort().getStrVal())
                  .isEqualTo(WebhookWorkloads.WEBHOOK_PORT_NAME);
            });
    Deployment deployment =
        WebhookWorkloads.receiver(webhook, WebhookWorkloads.receiverConfigMap(webhook), null);
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    PodDisruptionBudget pdb = WebhookWorkloads.receiverDisruptionBudget(webhook);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(WebhookNames.endpoint(webhook))
        .isEqualTo("http://erp-invoices-webhook.shop.svc/webhooks/erp");
  }

  /** The docs' example with {@code spec.receiver.tls} and {@code auth} as given (YAML). */
  static ErpWebhook withTls(String tlsYaml, String authYaml) throws Exception {
    ErpWebhook webhook = fromDocs();
    var yaml = new KubernetesSerialization();
    webhook.getSpec().getReceiver().setTls(yaml.unmarshal(tlsYaml, ReceiverTlsSpec.class));
    if (authYaml != null) {
      webhook.getSpec().setAuth(yaml.unmarshal(authYaml, WebhookAuthSpec.class));
    }
    return webhook;
  }

  static final String MUTUAL_TLS =
      """
      secretName: erp-webhook-tls
      clientAuth: required
      clientCaSecretName: erp-clients-ca
      clientCaKey: ca.pem
      allowedSubjects: ["CN=sap-prod,O=Acme", "erp.acme.example"]
      """;

  @Test
  void tlsMountsTheSecretsReadOnlyAndPointsTheReceiverAtTheFiles() throws Exception {
    ErpWebhook webhook = withTls(MUTUAL_TLS, null);
    ConfigMap config = WebhookWorkloads.receiverConfigMap(webhook);
    Deployment deployment = WebhookWorkloads.receiver(webhook, config, null);
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("secret", "tls", "client-ca", "tmp");
    var tls = pod.getVolumes().get(1).getSecret();
    assertThat(tls.getSecretName()).isEqualTo("erp-webhook-tls");
    assertThat(tls.getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath())
        .containsExactly("tls.crt->tls.crt", "tls.key->tls.key");
    assertThat(tls.getDefaultMode()).isEqualTo(0440);
    var ca = pod.getVolumes().get(2).getSecret();
    assertThat(ca.getSecretName()).isEqualTo("erp-clients-ca");
    assertThat(ca.getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath())
        .containsExactly("ca.pem->ca.crt");
    // Whole directories, read-only, no subPath: a renewed certificate reaches the running pods.
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> !m.getName().equals("tmp"))
        .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactlyInAnyOrder(
            "secret:/etc/twinlog/webhook-secret:true",
            "tls:/etc/twinlog/webhook-tls:true",
            "client-ca:/etc/twinlog/webhook-client-ca:true");
    assertThat(container.getVolumeMounts()).allSatisfy(m -> assertThat(m.getSubPath()).isNull());

    assertThat(config.getData())
        .containsEntry(WebhookReceiverEnv.TLS_CERT_FILE, "/etc/twinlog/webhook-tls/tls.crt")
        .containsEntry(WebhookReceiverEnv.TLS_KEY_FILE, "/etc/twinlog/webhook-tls/tls.key")
        .containsEntry(WebhookReceiverEnv.TLS_CLIENT_AUTH, "required")
        .containsEntry(
            WebhookReceiverEnv.TLS_CLIENT_CA_FILE, "/etc/twinlog/webhook-client-ca/ca.crt")
        .containsEntry(
            WebhookReceiverEnv.TLS_ALLOWED_SUBJECTS, "CN=sap-prod,O=Acme;erp.acme.example")
        .containsEntry(WebhookReceiverEnv.AUTH_TYPE, "hmac")
        .containsEntry(WebhookReceiverEnv.SECRET_FILE, "/etc/twinlog/webhook-secret/secret");

    // Turning TLS on changes the ConfigMap, so the pods roll.
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .isNotEqualTo(
            WebhookWorkloads.receiver(
                    fromDocs(), WebhookWorkloads.receiverConfigMap(fromDocs()), null)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations());
  }

  @Test
  void probesStayPlainHttpOnTheManagementPortWhichAsksForNoClientCertificate() throws Exception {
    ErpWebhook webhook = withTls(MUTUAL_TLS, null);
    Container container =
        WebhookWorkloads.receiver(webhook, WebhookWorkloads.receiverConfigMap(webhook), null)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    for (var probe : List.of(container.getLivenessProbe(), container.getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPort().getStrVal())
          .isEqualTo(WebhookWorkloads.MANAGEMENT_PORT_NAME);
      assertThat(probe.getHttpGet().getScheme()).isNull(); // HTTP
    }
  }

  @Test
  void serverTlsOnlyAndCertificateAuthMountWhatTheyNeedAndNothingElse() throws Exception {
    ErpWebhook serverOnly = withTls("secretName: erp-webhook-tls\nkeyKey: key.pem\n", null);
    var pod =
        WebhookWorkloads.receiver(serverOnly, WebhookWorkloads.receiverConfigMap(serverOnly), null)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("secret", "tls", "tmp");
    assertThat(pod.getVolumes().get(1).getSecret().getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath())
        .containsExactly("tls.crt->tls.crt", "key.pem->tls.key");
    assertThat(WebhookWorkloads.receiverConfigMap(serverOnly).getData())
        .containsEntry(WebhookReceiverEnv.TLS_CLIENT_AUTH, "none")
        .doesNotContainKeys(
            WebhookReceiverEnv.TLS_CLIENT_CA_FILE, WebhookReceiverEnv.TLS_ALLOWED_SUBJECTS);

    // The client certificate alone: no HMAC Secret is mounted and no secret file named (the
    // receiver refuses one with type certificate). The CA may sit in the server's own Secret.
    ErpWebhook certificateOnly =
        withTls(
            "secretName: erp-webhook-tls\nclientAuth: required\nclientCaSecretName:"
                + " erp-webhook-tls\n",
            "type: certificate\n");
    var certPod =
        WebhookWorkloads.receiver(
                certificateOnly, WebhookWorkloads.receiverConfigMap(certificateOnly), null)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(certPod.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("tls", "client-ca", "tmp");
    assertThat(WebhookWorkloads.receiverSecrets(certificateOnly))
        .containsExactly("erp-webhook-tls");
    assertThat(WebhookWorkloads.receiverConfigMap(certificateOnly).getData())
        .containsEntry(WebhookReceiverEnv.AUTH_TYPE, "certificate")
        .doesNotContainKeys(WebhookReceiverEnv.SECRET_FILE, WebhookReceiverEnv.SECRET)
        .doesNotContainKey(WebhookReceiverEnv.SIGNATURE_HEADER);
  }

  @Test
  void noSecretValueOrSecretReferenceInAnythingTheOperatorCreates() throws Exception {
    ErpWebhook webhook = withTls(MUTUAL_TLS, null);
    List<HasMetadata> resources = WebhookResources.desired(webhook, null);
    assertThat(resources).noneMatch(r -> r.getKind().equals("Secret"));
    for (HasMetadata resource : resources) {
      String yaml = new KubernetesSerialization().asYaml(resource);
      assertThat(yaml)
          .as(resource.getKind() + " " + resource.getMetadata().getName())
          .doesNotContain("secretKeyRef")
          .doesNotContain("BEGIN ")
          .doesNotContain("PRIVATE KEY");
    }
    // The pods get files: only the receiver's mounts name the Secrets, and only by name.
    Deployment receiver =
        resources.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .filter(d -> d.getMetadata().getName().equals(WebhookNames.receiver(webhook)))
            .findFirst()
            .orElseThrow();
    assertThat(receiver.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .isNullOrEmpty();
  }

  @Test
  void withTlsTheServiceSpeaksHttpsAndTheEndpointSaysSo() throws Exception {
    ErpWebhook webhook = withTls(MUTUAL_TLS, null);
    Service service = WebhookWorkloads.receiverService(webhook);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("https");
              assertThat(p.getAppProtocol()).isEqualTo("https");
              assertThat(p.getPort()).isEqualTo(443);
              assertThat(p.getTargetPort().getStrVal())
                  .isEqualTo(WebhookWorkloads.WEBHOOK_PORT_NAME);
            });
    assertThat(WebhookNames.endpoint(webhook))
        .isEqualTo("https://erp-invoices-webhook.shop.svc/webhooks/erp");
    webhook.getSpec().getReceiver().setPort(8443);
    assertThat(WebhookNames.endpoint(webhook))
        .isEqualTo("https://erp-invoices-webhook.shop.svc:8443/webhooks/erp");
    // A port written as 80 (stored before tls was added) stays, and is named.
    webhook.getSpec().getReceiver().setPort(80);
    assertThat(WebhookNames.endpoint(webhook))
        .isEqualTo("https://erp-invoices-webhook.shop.svc:80/webhooks/erp");
    // Plain, as before: no appProtocol, port named webhook.
    assertThat(WebhookWorkloads.receiverService(fromDocs()).getSpec().getPorts().get(0))
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo(WebhookWorkloads.WEBHOOK_PORT_NAME);
              assertThat(p.getAppProtocol()).isNull();
            });
  }

  @Test
  void dedupStepRunsTheOtherMainClassWithStateInAnEmptyDir() throws Exception {
    ErpWebhook webhook = fromDocs();
    ConfigMap config = WebhookWorkloads.dedupConfigMap(webhook);
    Deployment dedup = WebhookWorkloads.dedup(webhook, config, null);
    Container container = dedup.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(WebhookWorkloads.DEFAULT_IMAGE);
    assertThat(container.getCommand()).contains(WebhookWorkloads.DEDUP_MAIN_CLASS);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    var pod = dedup.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .hasSize(2)
        .allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(container.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/twinlog/state"));
    // RocksDB unpacks its JNI library into /tmp; the root filesystem is read-only.
    assertWritableTmp(pod, container);
    assertThat(config.getData())
        .containsEntry(WebhookReceiverEnv.TOPIC, "shop.erp-invoices.webhooks")
        .containsEntry(WebhookReceiverEnv.DEDUP_OUTPUT_TOPIC, "shop.erp-invoices.webhooks.dedup")
        .containsEntry(WebhookReceiverEnv.DEDUP_WINDOW_MS, "86400000")
        .containsEntry(WebhookReceiverEnv.DEDUP_APPLICATION_ID, "shop.erp-invoices.webhook-dedup")
        .containsEntry("TWINLOG_KAFKA_PRODUCER_MAX_REQUEST_SIZE", "1114112");
  }

  @Test
  void sinkDeliversRawBodiesReadCommittedWithSecretsByReference() throws Exception {
    ErpWebhook webhook = fromDocs();
    KafkaConnector connector = WebhookSinkConnector.of(webhook);
    Map<String, Object> config = connector.getSpec().getConfig();
    assertThat(connector.getSpec().getClassName()).isEqualTo(ErpSinkConfigKeys.CONNECTOR_CLASS);
    assertThat(connector.getMetadata().getLabels())
        .containsEntry("strimzi.io/cluster", "cdc-connect");
    assertThat(connector.getSpec().getTasksMax()).isEqualTo(3);
    assertThat(config)
        .containsEntry("topics", "shop.erp-invoices.webhooks.dedup")
        .containsEntry(ErpSinkConfigKeys.BODY_FORMAT, "raw")
        .containsEntry(ErpSinkConfigKeys.URL, "https://shop.internal/api/erp-events")
        .containsEntry(ErpSinkConfigKeys.AUTH_TYPE, "bearer")
        .containsEntry(ErpSinkConfigKeys.AUTH_TOKEN, "${secrets:shop/shop-api-token:token}")
        .containsEntry(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, 12)
        .containsEntry("header.converter", WebhookSinkConnector.CONVERTER)
        .containsEntry("consumer.override.isolation.level", "read_committed")
        .containsEntry("errors.deadletterqueue.topic.name", "shop.erp-invoices.webhooks.dlq");
    // The sink takes its idempotency key from the header the receiver writes.
    assertThat(ChangeHeaders.CHANGE_ID).isEqualTo("twinlog.change.id");
  }

  @Test
  void thesePureFunctionsNeverReadSecretsOrTalkToTheApiServer() throws Exception {
    try (var files = Files.walk(Path.of("src/main/java/io/twinlog/operator/webhook/desired"))) {
      List<Path> sources = files.filter(Files::isRegularFile).toList();
      assertThat(sources).hasSizeGreaterThan(5);
      for (Path file : sources) {
        assertThat(Files.readString(file))
            .as(file.toString())
            .doesNotContain("api.model.Secret;")
            .doesNotContain("KubernetesClient")
            .doesNotContain("System.getenv");
      }
    }
  }

  static void assertWritableTmp(io.fabric8.kubernetes.api.model.PodSpec pod, Container container) {
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/tmp");
              assertThat(pod.getVolumes())
                  .anySatisfy(
                      v -> {
                        assertThat(v.getName()).isEqualTo(m.getName());
                        assertThat(v.getEmptyDir()).isNotNull();
                      });
            });
  }
}
