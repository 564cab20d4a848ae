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
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.desired.SecretRotation;
import io.twinlog.operator.health.MutableClock;
import io.twinlog.operator.health.Traces;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.operator.status.Reasons;
import io.twinlog.testkit.CapturedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator (JOSDK, informers, no server-side apply) against fabric8's mock API server in
 * CRUD mode, with the test standing in for Strimzi and the Deployment controller. Each test has its
 * own namespace; one operator serves them all.
 */
class CdcPipelineOperatorIT {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
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
  private static MutableClock clock;
  private static TwinlogOperator operator;

  private String ns;
  private StrimziStandIn strimzi;

  @BeforeAll
  static void startOperator() {
    cluster = MockCluster.start();
    client = cluster.client();
    clock = new MutableClock(T0);
    operator = TwinlogOperator.start(client, clock, OperatorSettings.inProcess());
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
    cluster.close();
  }

  @BeforeEach
  void namespace() {
    ns = "shop-" + NAMESPACES.incrementAndGet();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    strimzi = new StrimziStandIn(client, ns);
  }

  private Secret putSecret(String name, Map<String, String> data) {
    return client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
  }

  private CdcPipeline create(String name) {
    return client.resource(Pipelines.orders(client, ns, name)).create();
  }

  private CdcPipeline pipeline(String name) {
    return client.resources(CdcPipeline.class).inNamespace(ns).withName(name).get();
  }

  private Condition condition(String name, String type) {
    CdcPipelineStatus status = pipeline(name).getStatus();
    return status == null ? null : Conditions.find(status.getConditions(), type).orElse(null);
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

  /** Creates the pipeline and brings it to Ready=True as Strimzi and Kubernetes would. */
  private CdcPipeline createRunning(String name) {
    create(name);
    waiting()
        .until(
            () ->
                pipeline(name).getStatus() != null
                    && pipeline(name).getStatus().getSources() != null
                    && pipeline(name).getStatus().getSink() != null);
    CdcPipelineStatus status = pipeline(name).getStatus();
    status.getSources().forEach(s -> strimzi.running(s.getConnectorName()));
    strimzi.running(status.getSink().getConnectorName());
    deploymentsReady();
    waiting()
        .untilAsserted(
            () ->
                assertThat(condition(name, ConditionTypes.READY))
                    .extracting(Condition::getStatus, Condition::getReason)
                    .containsExactly("True", Reasons.DELIVERING));
    return pipeline(name);
  }

  /** Every Deployment of the namespace reports all its pods ready, as Kubernetes would. */
  private void deploymentsReady() {
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .list()
        .getItems()
        .forEach(
            d -> strimzi.deploymentReady(d.getMetadata().getName(), d.getSpec().getReplicas()));
  }

  private String sourceConnector(String name, int index) {
    return pipeline(name).getStatus().getSources().get(index).getConnectorName();
  }

  private double reconciliations() {
    return operator.meterRegistry().getMeters().stream()
        .filter(m -> m.getId().getName().endsWith("reconciliations.success"))
        .flatMap(m -> java.util.stream.StreamSupport.stream(m.measure().spliterator(), false))
        .mapToDouble(measurement -> measurement.getValue())
        .sum();
  }

  /**
   * Makes Strimzi re-report a connector status, which makes the operator reconcile; waits for it.
   */
  private void pokeAndWait(String connector) {
    double before = reconciliations();
    strimzi.refresh(connector);
    waiting().until(() -> reconciliations() > before);
  }

  /** Writes the operator made to what a pipeline owns (not the pipeline, not Events). */
  private static List<String> writesToOwned(List<RecordedRequest> requests) {
    return requests.stream()
        .filter(r -> Set.of("POST", "PUT", "PATCH", "DELETE").contains(r.getMethod()))
        .map(r -> r.getMethod() + " " + r.getPath())
        .filter(line -> !line.contains("/cdcpipelines") && !line.contains("/events"))
        .toList();
  }

  @Test
  void createsEverythingOwnedByThePipelineAndReportsStatus() {
    CdcPipeline created = create("orders");

    waiting()
        .untilAsserted(
            () -> {
              assertThat(client.resources(KafkaConnector.class).inNamespace(ns).list().getItems())
                  .hasSize(3); // two sources, one sink
              assertThat(client.resources(KafkaTopic.class).inNamespace(ns).list().getItems())
                  .isNotEmpty();
              assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).hasSize(1);
              assertThat(client.configMaps().inNamespace(ns).list().getItems()).isNotEmpty();
              assertThat(client.services().inNamespace(ns).list().getItems()).isNotEmpty();
              assertThat(
                      client.resources(PodDisruptionBudget.class).inNamespace(ns).list().getItems())
                  .isNotEmpty();
              assertThat(pipeline("orders").getStatus()).isNotNull();
            });

    String uid = pipeline("orders").getMetadata().getUid();
    assertThat(owned())
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getOwnerReferences())
                    .anySatisfy(
                        o -> {
                          assertThat(o.getUid()).isEqualTo(uid);
                          assertThat(o.getKind()).isEqualTo("CdcPipeline");
                          assertThat(o.getController()).isTrue();
                        }));
    CdcPipelineStatus status = pipeline("orders").getStatus();
    assertThat(status.getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactlyInAnyOrder(
            "Ready",
            "SourcesHealthy",
            "DedupReady",
            "SinkReady",
            "BinlogRetentionOk",
            "Reconciling",
            "Stalled");
    assertThat(condition("orders", ConditionTypes.READY).getStatus()).isEqualTo("False");
    // This test creates no cdc-db Secret: the sources cannot start, and the status says why (a
    // pipeline that is only coming up is Reconciling, see KstatusTest).
    assertThat(condition("orders", ConditionTypes.READY).getReason())
        .isEqualTo(Reasons.SECRET_MISSING);
    assertThat(condition("orders", ConditionTypes.STALLED).getStatus()).isEqualTo("True");
    assertThat(status.getSources())
        .extracting(s -> s.getName())
        .containsExactly("replica-a", "replica-b");

    createRunning("orders-2");
    assertThat(pipeline("orders-2").getStatus().getSourcesReady()).isEqualTo("2/2");
    assertThat(pipeline("orders-2").getStatus().getSinkState()).isEqualTo("Running");
  }

  /**
   * A referenced Secret that does not exist: the part that reads it is down, and the status says
   * which Secret, with one Warning Event; once the Secret is created the reason is the part's own.
   */
  @Test
  void aMissingSecretIsNamedInTheStatusAndAnEvent() {
    // Nothing in this class creates cdc-db unless a test needs its values (the replicas' hosts do
    // not resolve here, so the preflight check would report them instead).
    client.resource(Pipelines.orders(client, ns, "orders")).create();
    waiting().until(() -> readyReason("orders").equals(Reasons.SECRET_MISSING));
    assertThat(condition("orders", ConditionTypes.READY).getMessage())
        .startsWith("The Secret cdc-db does not exist in the pipeline's namespace");
    assertThat(condition("orders", ConditionTypes.STALLED).getStatus()).isEqualTo("True");
    waiting().until(() -> events(Reasons.SECRET_MISSING).size() == 1);
    assertThat(events(Reasons.SECRET_MISSING).get(0).getType()).isEqualTo("Warning");

    putSecret("cdc-db", Map.of("username", "twinlog_cdc", "password", "change-me"));
    // Secrets are not watched: a change of something owned (the dedup pods ready) reconciles; the
    // sources are still down.
    deploymentsReady();
    waiting().until(() -> !readyReason("orders").equals(Reasons.SECRET_MISSING));
    assertThat(events(Reasons.SECRET_MISSING)).hasSize(1);
  }

  /** The Ready condition's reason, "" before there is one. */
  private String readyReason(String name) {
    CdcPipelineStatus status = pipeline(name).getStatus();
    return status == null
        ? ""
        : Conditions.find(status.getConditions(), ConditionTypes.READY)
            .map(Condition::getReason)
            .orElse("");
  }

  @Test
  void reapplyingAnUnchangedSpecMakesNoUpdateCalls() {
    createRunning("orders");
    cluster.takeRequests();

    CdcPipeline same = Pipelines.orders(client, ns, "orders");
    same.getMetadata().setResourceVersion(pipeline("orders").getMetadata().getResourceVersion());
    client.resource(same).update();
    String connector = sourceConnector("orders", 0);
    pokeAndWait(connector);

    List<String> writes = writesToOwned(cluster.takeRequests());
    // the only write is the stand-in's own status refresh
    assertThat(writes)
        .containsExactly(
            "PUT /apis/kafka.strimzi.io/v1/namespaces/"
                + ns
                + "/kafkaconnectors/"
                + connector
                + "/status");
    assertThat(pipeline("orders").getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void changingOneFieldUpdatesExactlyThatResource() {
    createRunning("orders");
    cluster.takeRequests();
    String sink = pipeline("orders").getStatus().getSink().getConnectorName();
    Map<String, Object> configBefore = strimzi.get(sink).getSpec().getConfig();

    CdcPipeline changed = pipeline("orders");
    changed.getSpec().getSink().getErp().setTimeout("45s");
    client.resource(changed).update();

    waiting()
        .untilAsserted(
            () -> assertThat(pipeline("orders").getStatus().getObservedGeneration()).isEqualTo(2L));
    assertThat(writesToOwned(cluster.takeRequests()))
        .containsExactly(
            "PUT /apis/kafka.strimzi.io/v1/namespaces/" + ns + "/kafkaconnectors/" + sink);
    assertThat(strimzi.get(sink).getSpec().getConfig()).isNotEqualTo(configBefore);
  }

  @Test
  void deletingThePipelineLeavesNothing() {
    createRunning("orders");
    assertThat(owned()).isNotEmpty();

    client.resources(CdcPipeline.class).inNamespace(ns).withName("orders").delete();

    waiting()
        .untilAsserted(
            () -> {
              assertThat(pipeline("orders")).isNull();
              assertThat(owned()).isEmpty();
            });
  }

  @Test
  void invalidSpecIsReportedAndCreatesNothing() {
    CdcPipeline bad = Pipelines.orders(client, ns, "orders");
    bad.getSpec().getSource().getReplicas().get(1).setServerId(5401L);
    client.resource(bad).create();

    waiting()
        .untilAsserted(
            () -> {
              Condition ready = condition("orders", ConditionTypes.READY);
              assertThat(ready).isNotNull();
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo(Reasons.INVALID_SPEC);
              assertThat(ready.getMessage()).contains("spec.source.replicas");
              assertThat(events(Reasons.INVALID_SPEC))
                  .singleElement()
                  .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
            });
    assertThat(owned()).isEmpty();
  }

  /**
   * No Secret value in anything the operator writes: for a pipeline on a secured Kafka with every
   * Secret it references present (database, Kafka CA and user, ERP token), whose values the
   * operator reads itself (preflight, heartbeat reads), every object in the namespace, the
   * pipeline's status and the Events are scanned for each value.
   */
  @Test
  void noSecretValueInWhatTheOperatorWritesOrLogs() {
    Map<String, Map<String, String>> secrets =
        Map.of(
            "cdc-db", Map.of("username", "cdc-user-7f3a", "password", "db-pass-91c2e8"),
            "main-cluster-ca-cert", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----ca-5d21"),
            "twinlog-orders", Map.of("password", "kafka-pass-c7e410"),
            "erp-token", Map.of("token", "erp-token-b83f5a"),
            "db-ca", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----db-ca-0e77"),
            "erp-client", Map.of("tls.crt", "erp-client-crt-4b19", "tls.key", "erp-key-a6d3"));
    secrets.forEach(this::putSecret);
    CdcPipeline secured =
        io.twinlog.operator.api.v1alpha1.TestPipelines.scramOverTls(
            Pipelines.orders(client, ns, "orders"));
    // Every Secret a pipeline can name: the database CA (read by the operator's checks) and the
    // ERP's client certificate as well.
    var dbTls = new io.twinlog.operator.api.v1alpha1.SourceTlsSpec();
    dbTls.setMode(io.twinlog.operator.api.v1alpha1.SourceTlsMode.VERIFY_FULL);
    dbTls.setCaSecretName("db-ca");
    secured.getSpec().getSource().setTls(dbTls);
    var erpClient = new io.twinlog.operator.api.v1alpha1.ErpClientCertificateSpec();
    erpClient.setSecretName("erp-client");
    var erpTls = new io.twinlog.operator.api.v1alpha1.ErpTlsSpec();
    erpTls.setClientCertificate(erpClient);
    secured.getSpec().getSink().getErp().setTls(erpTls);
    CapturedLog log = CapturedLog.start();
    try {
      scanForSecrets(secured, secrets);
    } finally {
      log.close();
    }
    // The operator read the database and Kafka values and used them (source checks, heartbeat
    // reads) while this was captured; nothing of them is in any line it logged.
    assertThat(log.text())
        .as("the capture holds the operator's lines")
        .contains(ns + "/orders: created");
    secrets.values().stream()
        .flatMap(d -> d.values().stream())
        .forEach(value -> assertThat(log.text()).as("log: " + value).doesNotContain(value));
  }

  private void scanForSecrets(CdcPipeline secured, Map<String, Map<String, String>> secrets) {
    client.resource(secured).create();
    waiting()
        .until(
            () ->
                pipeline("orders").getStatus() != null
                    && pipeline("orders").getStatus().getSources() != null
                    && !client
                        .resources(KafkaConnector.class)
                        .inNamespace(ns)
                        .list()
                        .getItems()
                        .isEmpty());
    // Strimzi reports the connectors running: the operator reconciles, observes and reports again
    pipeline("orders")
        .getStatus()
        .getSources()
        .forEach(src -> strimzi.running(src.getConnectorName()));
    pokeAndWait(sourceConnector("orders", 0));

    StringBuilder written = new StringBuilder();
    var json = client.getKubernetesSerialization();
    for (Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind :
        List.of(
            KafkaConnector.class,
            KafkaTopic.class,
            io.strimzi.api.kafka.model.user.KafkaUser.class,
            ConfigMap.class,
            io.fabric8.kubernetes.api.model.apps.Deployment.class,
            io.fabric8.kubernetes.api.model.Service.class,
            PodDisruptionBudget.class,
            Event.class)) {
      client
          .resources(kind)
          .inNamespace(ns)
          .list()
          .getItems()
          .forEach(r -> written.append(json.asJson(r)));
    }
    written.append(json.asJson(pipeline("orders")));
    assertThat(written).contains("${secrets:" + ns + "/cdc-db:password}");
    secrets.values().stream()
        .flatMap(d -> d.values().stream())
        .forEach(value -> assertThat(written.toString()).as(value).doesNotContain(value));
  }

  /**
   * Secret rotation: the ERP sink reads its token only when it starts, so a new version of the
   * Secret gets the sink connector restarted once (Strimzi's annotation, an Event); the source
   * connectors, which do not read that Secret, are left alone.
   */
  @Test
  void rotatingTheErpSecretRestartsTheSinkOnce() {
    Secret token = putSecret("erp-token", Map.of("token", "first-token"));
    createRunning("orders");
    String source = sourceConnector("orders", 0);
    String sink = pipeline("orders").getStatus().getSink().getConnectorName();
    waiting()
        .untilAsserted(
            () ->
                assertThat(strimzi.get(sink).getMetadata().getAnnotations())
                    .containsKey(SecretRotation.SECRETS_HASH_ANNOTATION));

    token.setStringData(Map.of("token", "second-token"));
    client.resource(token).update();
    pokeAndWait(source);

    waiting()
        .untilAsserted(
            () -> {
              assertThat(strimzi.get(sink).getMetadata().getAnnotations())
                  .containsEntry("strimzi.io/restart", "true");
              assertThat(events(Reasons.SECRETS_ROTATED)).hasSize(1);
            });
    assertThat(strimzi.get(source).getMetadata().getAnnotations())
        .doesNotContainKey("strimzi.io/restart");
    assertThat(events(Reasons.SECRETS_ROTATED).toString()).doesNotContain("second-token");

    // Strimzi restarts it and removes the annotation; nothing asks again
    assertThat(strimzi.performRestart(sink)).isPresent();
    pokeAndWait(source);
    pokeAndWait(sink);
    assertThat(strimzi.get(sink).getMetadata().getAnnotations())
        .doesNotContainKey("strimzi.io/restart");
    assertThat(events(Reasons.SECRETS_ROTATED)).hasSize(1);
  }

  /**
   * A 409 on an update (the controller-manager wrote the Deployment's status between the operator's
   * read and its write) is retried on a fresh read, not reported as a failure.
   */
  @Test
  void aConflictingUpdateIsRetriedNotReported() {
    createRunning("orders");
    String deployment =
        client
            .apps()
            .deployments()
            .inNamespace(ns)
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getName();
    cluster.conflictOnce("/apis/apps/v1/namespaces/" + ns + "/deployments/" + deployment);

    CdcPipeline changed = pipeline("orders");
    changed.getSpec().getDedup().setInstances(3);
    client.resource(changed).update();

    waiting()
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .deployments()
                            .inNamespace(ns)
                            .withName(deployment)
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(3));
    assertThat(events("ReconcileFailed")).isEmpty();
    assertThat(condition("orders", ConditionTypes.READY).getReason())
        .isNotEqualTo(Reasons.RECONCILE_FAILED);
  }

  @Test
  void failedConnectorIsRestartedThroughStrimziAndBecomesReady() {
    createRunning("orders");
    String connector = sourceConnector("orders", 0);

    strimzi.taskFailed(connector, Traces.read("connection-refused"));

    waiting()
        .untilAsserted(
            () ->
                assertThat(strimzi.get(connector).getMetadata().getAnnotations())
                    .containsEntry("strimzi.io/restart-task", "0"));
    waiting()
        .untilAsserted(
            () -> {
              assertThat(pipeline("orders").getStatus().getSources().get(0).getRestarts())
                  .isEqualTo(1);
              assertThat(events("ConnectorRestarted")).hasSize(1);
            });
    // one source failed, the other runs: still delivering (I5)
    assertThat(condition("orders", ConditionTypes.READY).getStatus()).isEqualTo("True");

    assertThat(strimzi.performRestart(connector)).isPresent();
    strimzi.running(connector);

    waiting()
        .untilAsserted(
            () -> {
              assertThat(condition("orders", ConditionTypes.READY).getReason())
                  .isEqualTo(Reasons.DELIVERING);
              assertThat(pipeline("orders").getStatus().getSourcesReady()).isEqualTo("2/2");
              assertThat(pipeline("orders").getStatus().getRestarts()).isEqualTo(1);
            });
    assertThat(events("ConnectorRestarted")).hasSize(1);
  }

  @Test
  void repeatedFailuresAreRestartedWithExponentialBackoffOnTheOperatorsClock() {
    clock.set(T0);
    createRunning("orders");
    String connector = sourceConnector("orders", 0);
    String trace = Traces.read("connection-refused");

    // failure 1: restarted at once
    strimzi.taskFailed(connector, trace);
    waiting().until(() -> strimzi.performRestart(connector).isPresent());
    // failure 2 right after: waits initialBackoff (10s)
    strimzi.taskFailed(connector, trace);
    waiting()
        .untilAsserted(
            () ->
                assertThat(condition("orders", ConditionTypes.SOURCES_HEALTHY).getMessage())
                    .contains("Next restart not before 2026-11-20T10:00:10Z"));
    clock.advance(Duration.ofSeconds(9));
    pokeAndWait(connector);
    assertThat(strimzi.performRestart(connector)).isEmpty();

    clock.advance(Duration.ofSeconds(1)); // T0 + 10s
    pokeAndWait(connector);
    waiting().until(() -> strimzi.performRestart(connector).isPresent());

    // failure 3: waits 20s after restart 2
    strimzi.taskFailed(connector, trace);
    waiting()
        .untilAsserted(
            () ->
                assertThat(condition("orders", ConditionTypes.SOURCES_HEALTHY).getMessage())
                    .contains("Next restart not before 2026-11-20T10:00:30Z"));
    clock.advance(Duration.ofSeconds(19));
    pokeAndWait(connector);
    assertThat(strimzi.performRestart(connector)).isEmpty();
    clock.advance(Duration.ofSeconds(1)); // T0 + 30s
    pokeAndWait(connector);
    waiting().until(() -> strimzi.performRestart(connector).isPresent());

    waiting()
        .untilAsserted(
            () -> {
              var source = pipeline("orders").getStatus().getSources().get(0);
              assertThat(source.getRestarts()).isEqualTo(3);
              assertThat(source.getConsecutiveRestarts()).isEqualTo(3);
              assertThat(source.getLastRestartTime()).isEqualTo("2026-11-20T10:00:30Z");
            });
    assertThat(events("ConnectorRestarted")).hasSize(3);
  }

  @Test
  void purgedBinlogIsReportedNotRestartedAndTheOtherSourceKeepsItReady() {
    createRunning("orders");
    String purged = sourceConnector("orders", 1);

    strimzi.taskFailed(purged, Traces.read("mariadb-1236-gtid-purged"));

    waiting()
        .untilAsserted(
            () -> {
              Condition sources = condition("orders", ConditionTypes.SOURCES_HEALTHY);
              assertThat(sources.getStatus()).isEqualTo("False");
              assertThat(sources.getReason()).isEqualTo(Reasons.BINLOG_POSITION_PURGED);
              assertThat(sources.getMessage()).contains("replica-b", "Re-seed");
              assertThat(events(Reasons.BINLOG_POSITION_PURGED))
                  .singleElement()
                  .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
            });
    Condition ready = condition("orders", ConditionTypes.READY);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo(Reasons.DEGRADED);

    // hours later, many looks later: still no restart, no second Event
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofHours(1));
      pokeAndWait(purged);
    }
    assertThat(strimzi.get(purged).getMetadata().getAnnotations())
        .doesNotContainKeys("strimzi.io/restart", "strimzi.io/restart-task");
    assertThat(pipeline("orders").getStatus().getSources().get(1).getRestarts()).isZero();
    assertThat(events(Reasons.BINLOG_POSITION_PURGED)).hasSize(1);
    assertThat(events("ConnectorRestarted")).isEmpty();
    assertThat(condition("orders", ConditionTypes.READY).getStatus()).isEqualTo("True");
  }

  @Test
  void pausingThePipelinePausesItsConnectors() {
    createRunning("orders");
    CdcPipeline paused = pipeline("orders");
    paused.getSpec().setState(io.twinlog.operator.api.v1alpha1.PipelineState.PAUSED);
    client.resource(paused).update();

    waiting()
        .untilAsserted(
            () -> {
              assertThat(client.resources(KafkaConnector.class).inNamespace(ns).list().getItems())
                  .allSatisfy(
                      kc -> assertThat(kc.getSpec().getState().toValue()).isEqualTo("paused"));
              assertThat(condition("orders", ConditionTypes.READY).getReason())
                  .isEqualTo(Reasons.PAUSED);
            });
  }
}
