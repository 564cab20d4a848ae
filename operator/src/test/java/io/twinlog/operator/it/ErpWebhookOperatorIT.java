package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.api.v1alpha1.webhook.ReceiverTlsSpec;
import io.twinlog.operator.health.MutableClock;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.operator.webhook.desired.WebhookNames;
import io.twinlog.operator.webhook.status.WebhookReason;
import io.twinlog.operator.webhook.status.WebhookStatusAggregator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator's ErpWebhook controller against fabric8's mock API server in CRUD mode, on the
 * ErpWebhook of {@code samples/06-erp-webhook.yaml}, with the test standing in for Strimzi and the
 * Deployment controller (as {@link CdcPipelineOperatorIT} does for pipelines).
 */
class ErpWebhookOperatorIT {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final List<Class<? extends HasMetadata>> OWNED_KINDS =
      List.of(
          KafkaConnector.class,
          KafkaTopic.class,
          ConfigMap.class,
          Deployment.class,
          Service.class,
          PodDisruptionBudget.class);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private static MockCluster cluster;
  private static KubernetesClient client;
  private static TwinlogOperator operator;

  private String ns;
  private StrimziStandIn strimzi;

  @BeforeAll
  static void startOperator() {
    cluster = MockCluster.start();
    client = cluster.client();
    operator = TwinlogOperator.start(client, new MutableClock(T0), OperatorSettings.inProcess());
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
    cluster.close();
  }

  @BeforeEach
  void namespace() {
    ns = "erp-" + NAMESPACES.incrementAndGet();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    strimzi = new StrimziStandIn(client, ns);
  }

  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
  }

  /** The sample's ErpWebhook, in this test's namespace. */
  private ErpWebhook createSample() throws IOException {
    return createSample(w -> {});
  }

  /** The sample's Secrets and its ErpWebhook, changed by {@code change}, in this namespace. */
  private ErpWebhook createSample(Consumer<ErpWebhook> change) throws IOException {
    String sample = Files.readString(Path.of("..", "samples", "06-erp-webhook.yaml"));
    List<String> docs = Arrays.asList(sample.split("(?m)^---\\s*$"));
    KubernetesSerialization yaml = new KubernetesSerialization();
    docs.stream()
        .filter(d -> d.contains("kind: Secret"))
        .map(d -> yaml.unmarshal(d, Secret.class))
        .forEach(secret -> client.secrets().inNamespace(ns).resource(secret).create());
    String doc =
        docs.stream().filter(d -> d.contains("kind: ErpWebhook")).findFirst().orElseThrow();
    ErpWebhook webhook = yaml.unmarshal(doc, ErpWebhook.class);
    webhook.getMetadata().setNamespace(ns);
    change.accept(webhook);
    return client.resource(webhook).create();
  }

  private ErpWebhook webhook() {
    return client.resources(ErpWebhook.class).inNamespace(ns).withName("erp-invoices").get();
  }

  private Condition ready() {
    return WebhookStatusAggregator.ready(webhook().getStatus());
  }

  private void assertReady(String status, WebhookReason reason, String message) {
    waiting()
        .untilAsserted(
            () ->
                assertThat(ready())
                    .isNotNull()
                    .extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
                    .containsExactly(status, reason.value(), message));
  }

  private List<HasMetadata> owned() {
    return OWNED_KINDS.stream()
        .flatMap(kind -> client.resources(kind).inNamespace(ns).list().getItems().stream())
        .map(HasMetadata.class::cast)
        .toList();
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  @Test
  void createsWhatTheWebhookOwnsAndSaysWhichPartIsMissingUntilAllRun() throws IOException {
    ErpWebhook created = createSample();
    String receiver = WebhookNames.receiver(created);
    String dedup = WebhookNames.dedup(created);
    String sink = WebhookNames.sinkConnector(created);

    // The sink connector waits for its topics: Strimzi has not made them yet.
    waiting().until(() -> owned().size() == 9);
    assertThat(owned()).extracting(HasMetadata::getKind).doesNotContain("KafkaConnector");
    strimzi.topicsReady();
    waiting()
        .untilAsserted(
            () ->
                assertThat(owned())
                    .extracting(HasMetadata::getKind)
                    .containsExactlyInAnyOrder(
                        "KafkaConnector",
                        "KafkaTopic",
                        "KafkaTopic",
                        "KafkaTopic",
                        "ConfigMap",
                        "ConfigMap",
                        "Deployment",
                        "Deployment",
                        "Service",
                        "PodDisruptionBudget"));
    String uid = webhook().getMetadata().getUid();
    assertThat(owned())
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(uid)));
    assertReady(
        "False", WebhookReason.RECEIVER_UNAVAILABLE, "0/2 receivers, 0/2 dedup, sink unknown");
    assertThat(webhook().getStatus().getEndpoint())
        .isEqualTo("http://erp-invoices-webhook." + ns + ".svc/webhooks/erp");

    // Each part in the order data flows; the reason names the first one still missing.
    strimzi.deploymentReady(receiver, 2);
    assertReady("False", WebhookReason.DEDUP_UNAVAILABLE, "2/2 receivers, 0/2 dedup, sink unknown");
    strimzi.deploymentReady(dedup, 1);
    assertReady("False", WebhookReason.SINK_NOT_RUNNING, "2/2 receivers, 1/2 dedup, sink unknown");
    strimzi.running(sink);
    assertReady("True", WebhookReason.DELIVERING, "2/2 receivers, 1/2 dedup, sink RUNNING");
    waiting().until(() -> events(WebhookReason.DELIVERING.value()).size() == 1);
    assertThat(events(WebhookReason.DELIVERING.value()).get(0).getType()).isEqualTo("Normal");
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .as("a new webhook's parts coming up one by one are not news")
        .extracting(Event::getType)
        .containsOnly("Normal");

    strimzi.taskFailed(sink, "org.apache.kafka.connect.errors.ConnectException: refused");
    assertReady(
        "False",
        WebhookReason.SINK_NOT_RUNNING,
        "2/2 receivers, 1/2 dedup, sink RUNNING, task 0 FAILED");
    waiting().until(() -> events(WebhookReason.SINK_NOT_RUNNING.value()).size() == 1);
    assertThat(events(WebhookReason.SINK_NOT_RUNNING.value()).get(0))
        .extracting(Event::getType, Event::getMessage)
        .containsExactly("Warning", "2/2 receivers, 1/2 dedup, sink RUNNING, task 0 FAILED");

    // The failed task is restarted through Strimzi, as a pipeline's would be (spec.restartPolicy).
    waiting()
        .untilAsserted(
            () -> {
              assertThat(strimzi.get(sink).getMetadata().getAnnotations())
                  .containsEntry("strimzi.io/restart-task", "0");
              assertThat(webhook().getStatus().getSink())
                  .extracting(s -> s.getRestarts(), s -> s.getConsecutiveRestarts())
                  .containsExactly(1, 1);
              assertThat(events("ConnectorRestarted")).hasSize(1);
            });
    assertThat(webhook().getStatus().getSink().getReason()).isNotBlank();
    assertThat(strimzi.performRestart(sink)).isPresent();
    strimzi.running(sink);
    assertReady("True", WebhookReason.DELIVERING, "2/2 receivers, 1/2 dedup, sink RUNNING");
    waiting()
        .untilAsserted(
            () ->
                assertThat(webhook().getStatus().getSink())
                    .extracting(s -> s.getRestarts(), s -> s.getReason())
                    .containsExactly(1, null));
    assertThat(events("ConnectorRestarted")).as("asked once").hasSize(1);
  }

  private int replicas(String deployment) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(deployment)
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  void driftIsUndoneAndASpecChangeReachesTheReceivers() throws IOException {
    ErpWebhook created = createSample();
    String receiver = WebhookNames.receiver(created);
    waiting()
        .until(() -> client.apps().deployments().inNamespace(ns).withName(receiver).get() != null);

    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(receiver)
        .edit(
            d -> {
              d.getSpec().setReplicas(7);
              return d;
            });
    waiting().untilAsserted(() -> assertThat(replicas(receiver)).isEqualTo(2));

    client
        .resources(ErpWebhook.class)
        .inNamespace(ns)
        .withName("erp-invoices")
        .edit(
            w -> {
              w.getSpec().getReceiver().setReplicas(3);
              return w;
            });
    waiting().untilAsserted(() -> assertThat(replicas(receiver)).isEqualTo(3));
    assertReady(
        "False", WebhookReason.RECEIVER_UNAVAILABLE, "0/3 receivers, 0/2 dedup, sink unknown");
  }

  @Test
  void aMissingTlsSecretIsNamedWhileTheReceiversCannotStartAndTheEndpointIsHttps()
      throws IOException {
    ErpWebhook created =
        createSample(
            w -> {
              ReceiverTlsSpec tls = new ReceiverTlsSpec();
              tls.setSecretName("erp-webhook-tls");
              w.getSpec().getReceiver().setTls(tls);
            });
    String receiver = WebhookNames.receiver(created);
    assertReady(
        "False",
        WebhookReason.SECRET_MISSING,
        "The Secret erp-webhook-tls does not exist in the ErpWebhook's namespace: create it and"
            + " the receiver pods start. 0/2 receivers, 0/2 dedup, sink unknown");
    assertThat(webhook().getStatus().getEndpoint())
        .isEqualTo("https://erp-invoices-webhook." + ns + ".svc/webhooks/erp");
    Service service = client.services().inNamespace(ns).withName(receiver).get();
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("https");
              assertThat(p.getAppProtocol()).isEqualTo("https");
              assertThat(p.getPort()).isEqualTo(443);
            });
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName(receiver)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes())
        .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("erp-webhook-tls"));

    // Once it exists (cert-manager issued it), the next reconciliation no longer names it.
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("erp-webhook-tls")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", "not read by the operator")
                .addToStringData("tls.key", "not read by the operator")
                .build())
        .create();
    strimzi.deploymentReady(receiver, 0); // any change of an owned object reconciles
    assertReady(
        "False", WebhookReason.RECEIVER_UNAVAILABLE, "0/2 receivers, 0/2 dedup, sink unknown");
  }

  @Test
  void deletingTheWebhookLeavesNothingBehind() throws IOException {
    createSample();
    waiting().until(() -> owned().size() == 9);
    strimzi.topicsReady();
    waiting().until(() -> owned().size() == 10);

    client.resources(ErpWebhook.class).inNamespace(ns).withName("erp-invoices").delete();

    waiting()
        .untilAsserted(
            () -> {
              assertThat(webhook()).isNull();
              assertThat(owned()).isEmpty();
            });
  }
}
