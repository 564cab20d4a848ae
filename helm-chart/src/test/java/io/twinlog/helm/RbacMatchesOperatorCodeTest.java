package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorStatus;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicStatus;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.desired.Labels;
import io.twinlog.operator.observe.ConnectStatusWatcher;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.operator.webhook.desired.WebhookResources;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC is exactly what the operator's code uses, derived by running it: the real
 * operator works against the mock API server, every call it makes is recorded as the grant the API
 * server's authorizer would check, and the recorded grants must equal the chart's rules (nothing
 * missing, nothing extra).
 *
 * <p>The pipeline scenario walks every path that calls the API: adoption of pre-existing objects
 * (create answers 409, so get, then update), a failed apply (error status patch, an Event), a
 * connector restart (patch with Strimzi's annotation, an Event), a spec change that deletes owned
 * objects, a conflicting finalizer patch (JOSDK reads the pipeline again) and the deletion. A
 * second run elects a leader: JOSDK first checks its Lease permissions with a
 * SelfSubjectRulesReview, answered here from the chart's own Lease Role.
 */
class RbacMatchesOperatorCodeTest {
  private static final String NAMESPACE = "shop";
  private static final String LEASE = "twinlog-leader";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DEDUP_IMAGE = "registry.local/dedup:test";
  private static final String WEBHOOK_IMAGE = "registry.local/webhook:test";

  /** Allowed to every authenticated user by Kubernetes' default system:basic-user ClusterRole. */
  private static final Set<String> GRANTED_TO_EVERYONE =
      Set.of(
          RbacRules.grant("authorization.k8s.io", "selfsubjectrulesreviews", "create"),
          RbacRules.grant("authorization.k8s.io", "selfsubjectaccessreviews", "create"));

  /** JOSDK's refusal to elect a leader names the Lease verbs it insists on. */
  private static final Pattern MISSING_VERBS = Pattern.compile("missing required verbs: \\[(.*)]");

  @Test
  void chartGrantsExactlyWhatTheOperatorCalls() {
    RenderedChart chart = RenderedChart.render("replicas: 2");

    Set<String> used = new TreeSet<>();
    used.addAll(pipelineLifecycle());
    used.addAll(webhookLifecycle());
    used.addAll(leaderElection(chart));
    used.removeAll(GRANTED_TO_EVERYONE);

    assertThat(RbacRules.of(chart).sorted()).containsExactlyElementsOf(used);
  }

  /** The grants a pipeline's whole life needs, run without leader election. */
  private static Set<String> pipelineLifecycle() {
    try (OperatorApiServer api = new OperatorApiServer()) {
      CdcPipeline pipeline = pipeline(api);
      DesiredResources desired = DesiredResources.of(pipeline, DEDUP_IMAGE, "IfNotPresent");

      // Objects with the pipeline's names exist already (an earlier install): they are adopted.
      for (HasMetadata resource : desired.all()) {
        HasMetadata stale = api.admin.getKubernetesSerialization().clone(resource);
        stale.getMetadata().setLabels(null);
        stale.getMetadata().setOwnerReferences(null);
        api.admin.resource(stale).create();
      }
      // The first topic create is refused (not retried by the client): the error path patches the
      // status and records an Event.
      refuseFirstCreate(api, "/apis/kafka.strimzi.io/v1/namespaces/" + NAMESPACE + "/kafkatopics");
      // The first finalizer patch conflicts: JOSDK reads the pipeline again and retries.
      conflictOnFirstPatch(api, "cdcpipelines/orders");
      CdcPipeline created = api.admin.resource(pipeline).create();

      try (TwinlogOperator operator =
          TwinlogOperator.start(api.operatorClient, Clock.systemUTC(), settings(false))) {
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  for (HasMetadata resource : desired.all()) {
                    assertThat(api.admin.resource(resource).get().getMetadata().getLabels())
                        .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
                  }
                });

        // A source task fails: the operator restarts it with Strimzi's restart annotation.
        KafkaConnector source = desired.sourceConnectors().get(0);
        // Retried: the operator may write the connector between our read and our write.
        await()
            .ignoreExceptions()
            .atMost(WAIT)
            .until(
                () -> {
                  KafkaConnector failing = api.admin.resource(source).get();
                  failing.setStatus(new KafkaConnectorStatus());
                  failing
                      .getStatus()
                      .setConnectorStatus(
                          Map.of(
                              "connector",
                              Map.of("state", "RUNNING"),
                              "tasks",
                              List.of(
                                  Map.of(
                                      "id",
                                      0,
                                      "state",
                                      "FAILED",
                                      "trace",
                                      "org.apache.kafka.connect.errors.ConnectException: Connection refused"))));
                  api.admin.resource(failing).updateStatus();
                  return true;
                });
        await()
            .atMost(WAIT)
            .until(
                () ->
                    Objects.requireNonNullElse(
                            api.admin.resource(source).get().getMetadata().getAnnotations(),
                            Map.<String, String>of())
                        .keySet()
                        .stream()
                        .anyMatch(k -> k.startsWith("strimzi.io/restart")));

        // The sink goes away: its connector and dead-letter topic are deleted.
        // A JSON patch of the spec; retried, as the operator may write the pipeline in between.
        await()
            .ignoreExceptions()
            .atMost(WAIT)
            .until(
                () ->
                    api.admin
                            .resources(CdcPipeline.class)
                            .inNamespace(NAMESPACE)
                            .withName(created.getMetadata().getName())
                            .edit(
                                p -> {
                                  p.getSpec().setSink(null);
                                  return p;
                                })
                        != null);
        await().atMost(WAIT).until(() -> api.admin.resource(desired.sinkConnector()).get() == null);

        // Deleted: the operator removes what the pipeline owns, then its finalizer.
        api.admin.resource(created).delete();
        await().atMost(WAIT).until(() -> api.admin.resource(created).get() == null);
      }

      Set<String> grants = new TreeSet<>(api.recorder.grants());
      grants.addAll(grantsForOwnerReferences(desired.all()));
      return grants;
    }
  }

  /**
   * The grants an ErpWebhook's life needs: created with what it owns, a refused apply (the error
   * status patch and an Event), a conflicting finalizer patch, the deletion.
   */
  private static Set<String> webhookLifecycle() {
    try (OperatorApiServer api = new OperatorApiServer()) {
      ErpWebhook webhook =
          api.admin
              .getKubernetesSerialization()
              .unmarshal(
                  """
                  apiVersion: cdc.twinlog.io/v1alpha1
                  kind: ErpWebhook
                  metadata: {name: erp-invoices, namespace: shop}
                  spec:
                    kafka: {cluster: main, connectCluster: cdc-connect}
                    auth: {type: hmac, secretName: erp-webhook}
                    event: {entityKey: /invoice/number}
                    delivery: {url: https://shop.internal/api/erp-events}
                  """,
                  ErpWebhook.class);
      refuseFirstCreate(api, "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments");
      conflictOnFirstPatch(api, "erpwebhooks/erp-invoices");
      ErpWebhook created = api.admin.resource(webhook).create();
      List<HasMetadata> desired = WebhookResources.desired(created, WEBHOOK_IMAGE);

      try (TwinlogOperator operator =
          TwinlogOperator.start(api.operatorClient, Clock.systemUTC(), settings(false))) {
        // The sink connector waits until Strimzi says its topics are Ready.
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(
                () -> {
                  for (HasMetadata r : desired) {
                    if (r instanceof KafkaTopic topic) {
                      KafkaTopic actual = api.admin.resource(topic).get();
                      actual.setStatus(new KafkaTopicStatus());
                      actual
                          .getStatus()
                          .setConditions(
                              List.of(
                                  new io.strimzi.api.kafka.model.common.ConditionBuilder()
                                      .withType("Ready")
                                      .withStatus("True")
                                      .build()));
                      api.admin.resource(actual).updateStatus();
                    }
                  }
                  return true;
                });
        await()
            .atMost(WAIT)
            .until(() -> desired.stream().allMatch(r -> api.admin.resource(r).get() != null));
        await()
            .atMost(WAIT)
            .until(
                () ->
                    api.admin.resource(created).get().getStatus() != null
                        && api.admin.resource(created).get().getStatus().getEndpoint() != null);
        api.admin.resource(created).delete();
        await().atMost(WAIT).until(() -> api.admin.resource(created).get() == null);
      }

      Set<String> grants = new TreeSet<>(api.recorder.grants());
      grants.addAll(grantsForOwnerReferences(desired));
      return grants;
    }
  }

  /** The first create at {@code path} is refused as an admission webhook would (not retried). */
  private static void refuseFirstCreate(OperatorApiServer api, String path) {
    api.server
        .expect()
        .post()
        .withPath(path)
        .andReturn(
            422,
            "{\"kind\":\"Status\",\"code\":422,\"reason\":\"Invalid\",\"message\":\"denied by an admission webhook\"}")
        .once();
  }

  /** The first patch of a Twinlog resource conflicts: JOSDK reads it again and retries. */
  private static void conflictOnFirstPatch(OperatorApiServer api, String pluralAndName) {
    api.server
        .expect()
        .patch()
        .withPath("/apis/cdc.twinlog.io/v1alpha1/namespaces/" + NAMESPACE + "/" + pluralAndName)
        .andReturn(409, "{\"kind\":\"Status\",\"code\":409,\"reason\":\"Conflict\"}")
        .once();
  }

  /**
   * The grants leader election needs: what JOSDK's start-up check demands (learnt from its refusal
   * when the review grants nothing) plus what the elector then calls.
   *
   * <p>This run's operator is left running, and its API server with it, until the JVM exits: JOSDK
   * calls System.exit when a leader stops leading, closing it included.
   */
  private static Set<String> leaderElection(RenderedChart chart) {
    OperatorApiServer api = new OperatorApiServer();
    String reviews = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    api.server.expect().post().withPath(reviews).andReturn(201, rulesReview(List.of())).once();
    Throwable refused =
        catchThrowable(
            () -> TwinlogOperator.start(api.operatorClient, Clock.systemUTC(), settings(true)));
    assertThat(refused).as("JOSDK starts leader election without Lease rights").isNotNull();
    StringBuilder messages = new StringBuilder();
    for (Throwable t = refused; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    Matcher missing = MISSING_VERBS.matcher(messages);
    assertThat(missing.find()).as(messages.toString()).isTrue();
    Set<String> grants = new TreeSet<>();
    for (String verb : missing.group(1).split(",\\s*")) {
      grants.add(RbacRules.grant("coordination.k8s.io", "leases", verb));
    }

    Role leaseRole = chart.find(Role.class, "twinlog-leader-election").orElseThrow();
    api.server
        .expect()
        .post()
        .withPath(reviews)
        .andReturn(201, rulesReview(leaseRole.getRules()))
        .always();
    TwinlogOperator.start(api.operatorClient, Clock.systemUTC(), settings(true));
    String renew = RbacRules.grant("coordination.k8s.io", "leases", "patch");
    String renewWithPut = RbacRules.grant("coordination.k8s.io", "leases", "update");
    await()
        .atMost(WAIT)
        .until(
            () ->
                api.recorder.grants().contains(renew)
                    || api.recorder.grants().contains(renewWithPut));
    grants.addAll(api.recorder.grants());
    return grants;
  }

  private static OperatorSettings settings(boolean leaderElection) {
    return new OperatorSettings(
        Set.of(),
        leaderElection,
        LEASE,
        RenderedChart.NAMESPACE,
        "twinlog-0",
        DEDUP_IMAGE,
        "IfNotPresent",
        WEBHOOK_IMAGE,
        -1,
        null,
        ConnectStatusWatcher.DEFAULT_INTERVAL);
  }

  /**
   * Owner references with blockOwnerDeletion need update on the owner's finalizers subresource
   * where the OwnerReferencesPermissionEnforcement admission plugin runs (OpenShift and hardened
   * clusters); the mock API server has no admission plugins, so this one is read off the objects.
   */
  private static Set<String> grantsForOwnerReferences(List<HasMetadata> owned) {
    Map<String, Class<? extends HasMetadata>> owners =
        Map.of(
            HasMetadata.getKind(CdcPipeline.class),
            CdcPipeline.class,
            HasMetadata.getKind(ErpWebhook.class),
            ErpWebhook.class);
    Set<String> grants = new TreeSet<>();
    for (HasMetadata resource : owned) {
      for (OwnerReference owner : resource.getMetadata().getOwnerReferences()) {
        if (Boolean.TRUE.equals(owner.getBlockOwnerDeletion())) {
          Class<? extends HasMetadata> kind = owners.get(owner.getKind());
          assertThat(kind).as(owner.getKind()).isNotNull();
          grants.add(
              RbacRules.grant(
                  HasMetadata.getGroup(kind),
                  HasMetadata.getPlural(kind) + "/finalizers",
                  "update"));
        }
      }
    }
    return grants;
  }

  /** A SelfSubjectRulesReview answer granting the given rules. */
  private static SelfSubjectRulesReview rulesReview(List<PolicyRule> rules) {
    return new SelfSubjectRulesReviewBuilder()
        .withNewSpec()
        .withNamespace(RenderedChart.NAMESPACE)
        .endSpec()
        .withNewStatus()
        .withIncomplete(false)
        .withResourceRules(
            rules.stream()
                .map(
                    r ->
                        new ResourceRuleBuilder()
                            .withApiGroups(r.getApiGroups())
                            .withResources(r.getResources())
                            .withResourceNames(
                                Objects.requireNonNullElse(r.getResourceNames(), List.of()))
                            .withVerbs(r.getVerbs())
                            .build())
                .toList())
        .withNonResourceRules(List.of())
        .endStatus()
        .build();
  }

  private static CdcPipeline pipeline(OperatorApiServer api) {
    return api.admin
        .getKubernetesSerialization()
        .unmarshal(
            """
            apiVersion: cdc.twinlog.io/v1alpha1
            kind: CdcPipeline
            metadata: {name: orders, namespace: shop}
            spec:
              # secured: the dedup runtime's least-privilege KafkaUser is part of the lifecycle
              kafka:
                cluster: main
                connectCluster: cdc-connect
                tls: {}
                authentication: {type: scram-sha-512, username: twinlog-orders}
              source:
                type: mariadb
                include: {databases: [shop], tables: [shop.orders, shop.order_items]}
                credentials: {secretName: cdc-db}
                replicas:
                  - {name: replica-a, host: db-replica-a.db, port: 3306, serverId: 5401}
                  - {name: replica-b, host: db-replica-b.db, port: 3306, serverId: 5402}
              dedup: {window: 48h, instances: 2}
              sink:
                erp:
                  url: https://erp.internal/api/cdc
                  auth: {type: bearer, secretName: erp-token}
            """,
            CdcPipeline.class);
  }
}
