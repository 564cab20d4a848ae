package io.twinlog.e2e.stack;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.e2e.check.DeliveryCheck;
import io.twinlog.e2e.check.ScenarioReport;
import io.twinlog.e2e.workload.Workload;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.testkit.MariaDbServer;
import io.twinlog.testkit.PostgresCluster;
import io.twinlog.testkit.PostgresServer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * One pipeline on the shared stack: its namespace, database, workload (with the primary's truth)
 * and the CdcPipeline applied to the mock API server, plus the waits and checks scenarios share.
 */
public final class PipelineRun implements AutoCloseable {

  private final E2eStack stack;
  private final SourceCluster source;
  private final Workload workload;
  private final CdcPipeline applied;

  private PipelineRun(
      E2eStack stack, SourceCluster source, Workload workload, CdcPipeline applied) {
    this.stack = stack;
    this.source = source;
    this.workload = workload;
    this.applied = applied;
  }

  /**
   * Creates the namespace and its Secret, the database and its (empty) tables on the primary, waits
   * until both replicas have them, and applies the pipeline.
   */
  public static PipelineRun apply(
      E2eStack stack, String namespace, String database, int firstServerId, int dedupInstances)
      throws SQLException {
    return apply(stack, namespace, database, firstServerId, dedupInstances, p -> {});
  }

  /** As {@link #apply(E2eStack, String, String, int, int)}, the pipeline edited before applying. */
  public static PipelineRun apply(
      E2eStack stack,
      String namespace,
      String database,
      int firstServerId,
      int dedupInstances,
      java.util.function.Consumer<CdcPipeline> edit)
      throws SQLException {
    stack.prepareNamespace(namespace);
    MariaDbServer primary = stack.mariadb().primary();
    Workload workload =
        Workload.create(
            primary.jdbcUrl(),
            MariaDbServer.ADMIN_USER,
            MariaDbServer.ADMIN_PASSWORD,
            database,
            database.hashCode());
    stack.mariadb().awaitReplicasCaughtUp(Duration.ofSeconds(30));
    String source =
        PipelineTemplate.mariadb(
            database, workload.qualifiedTables(), stack.mariadb().replicas(), firstServerId);
    CdcPipeline pipeline = template(stack, namespace, source, dedupInstances);
    edit.accept(pipeline);
    return apply(stack, pipeline, workload);
  }

  /**
   * A PostgreSQL pipeline reading the stack's two standbys: creates the namespace and its Secret,
   * schema {@code schema} with the workload's (empty) tables in the primary's database and a
   * publication of them, waits until both standbys have them, and applies the pipeline.
   */
  public static PipelineRun applyPostgres(
      E2eStack stack, String namespace, String schema, int dedupInstances) throws SQLException {
    return applyPostgres(stack, namespace, schema, dedupInstances, p -> {});
  }

  /** As {@link #applyPostgres(E2eStack, String, String, int)}, edited before applying. */
  public static PipelineRun applyPostgres(
      E2eStack stack,
      String namespace,
      String schema,
      int dedupInstances,
      java.util.function.Consumer<CdcPipeline> edit)
      throws SQLException {
    stack.prepareNamespace(namespace);
    PostgresCluster postgres = stack.postgres();
    PostgresServer primary = postgres.primary();
    Workload workload =
        Workload.createPostgres(
            primary.jdbcUrl(PostgresCluster.DATABASE),
            PostgresServer.ADMIN_USER,
            PostgresServer.ADMIN_PASSWORD,
            PostgresCluster.DATABASE,
            schema,
            PostgresCluster.CDC_USER,
            schema.hashCode());
    String publication = "twinlog_" + schema;
    createPublication(primary, publication, workload.qualifiedTables());
    postgres.awaitStandbysCaughtUp(Duration.ofSeconds(30));
    String source =
        PipelineTemplate.postgres(
            PostgresCluster.DATABASE, workload.qualifiedTables(), postgres.standbys(), publication);
    CdcPipeline pipeline = template(stack, namespace, source, dedupInstances);
    edit.accept(pipeline);
    return apply(stack, pipeline, workload, SourceCluster.of(postgres));
  }

  /**
   * Creates a publication of {@code tables} on the primary, as the DBA does before applying a
   * PostgreSQL pipeline (standbys are read-only: the connectors cannot create it there).
   */
  public static void createPublication(
      PostgresServer primary, String publication, List<String> tables) {
    primary.executeIn(
        PostgresCluster.DATABASE,
        "CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ", tables));
  }

  private static CdcPipeline template(
      E2eStack stack, String namespace, String source, int dedupInstances) {
    PipelineTemplate template =
        new PipelineTemplate(
            namespace,
            "orders",
            source,
            stack.kafka().bootstrapServers(),
            stack.erp().url(),
            dedupInstances);
    KubernetesClient client = stack.kubernetes().client();
    return template.toPipeline(client.getKubernetesSerialization());
  }

  /** Applies a pipeline whose tables the workload writes (namespace and Secret prepared). */
  public static PipelineRun apply(E2eStack stack, CdcPipeline pipeline, Workload workload) {
    return apply(stack, pipeline, workload, SourceCluster.of(stack.mariadb()));
  }

  /** As {@link #apply(E2eStack, CdcPipeline, Workload)}, reading {@code source}'s replicas. */
  public static PipelineRun apply(
      E2eStack stack, CdcPipeline pipeline, Workload workload, SourceCluster source) {
    CdcPipeline created = stack.kubernetes().client().resource(pipeline).create();
    return new PipelineRun(stack, source, workload, created);
  }

  public Workload workload() {
    return workload;
  }

  /** The pipeline as applied. */
  public CdcPipeline applied() {
    return applied;
  }

  private String name() {
    return applied.getMetadata().getName();
  }

  /** The replicas of the pipeline as it is now (a scenario may remove one). */
  private List<io.twinlog.operator.api.v1alpha1.ReplicaSpec> replicas() {
    CdcPipeline now = current();
    return (now == null ? applied : now).getSpec().getSource().getReplicas();
  }

  private int replicaCount() {
    return replicas().size();
  }

  private String replicaName(int i) {
    return replicas().get(i).getName();
  }

  public String namespace() {
    return applied.getMetadata().getNamespace();
  }

  /** The pipeline as last read from the API server (null when deleted). */
  public CdcPipeline current() {
    return stack
        .kubernetes()
        .client()
        .resources(CdcPipeline.class)
        .inNamespace(namespace())
        .withName(name())
        .get();
  }

  /** The status (never null: empty before the operator wrote one). */
  public CdcPipelineStatus status() {
    CdcPipeline pipeline = current();
    return pipeline == null || pipeline.getStatus() == null
        ? new CdcPipelineStatus()
        : pipeline.getStatus();
  }

  /** A condition of the status, when present. */
  public Optional<Condition> condition(String type) {
    List<Condition> conditions = status().getConditions();
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Waits until Ready=True with every source ready. */
  public void awaitReady(Duration timeout) {
    String all = replicaCount() + "/" + replicaCount();
    try {
      Awaitility.await(namespace() + " Ready=True, sources " + all)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  condition("Ready").map(c -> "True".equals(c.getStatus())).orElse(false)
                      && all.equals(status().getSourcesReady()));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + describe(), e);
    }
  }

  /** The dedup pods' own metrics (drops by reason, anomalies), for failure messages. */
  public String dedupMetrics() {
    StringBuilder out = new StringBuilder();
    for (PodProcess pod : stack.pods().pods(namespace(), dedupDeployment())) {
      pod.metrics()
          .lines()
          .filter(l -> l.startsWith("twinlog_") && !l.startsWith("#"))
          .forEach(l -> out.append("  ").append(l).append('\n'));
    }
    return out.toString();
  }

  /**
   * The first {@code limit} events of one table as source 0 wrote them (op, key, gtid, file, pos,
   * row, transaction order), for failure messages.
   */
  public String rawSourceEvents(String table, int limit) {
    String topic =
        ResourceNames.sourceTopicPrefix(applied, replicaName(0))
            + "."
            + workload.database()
            + "."
            + table;
    StringBuilder out = new StringBuilder("raw events of " + topic + ":\n");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (var record : stack.kafka().consume(topic, limit, Duration.ofSeconds(5))) {
      try {
        var value = mapper.readTree(record.value());
        var source = value.path("source");
        out.append(
            String.format(
                "  %s key=%s gtid=%s file=%s pos=%s row=%s total_order=%s%n",
                value.path("op").asText(),
                record.key(),
                source.path("gtid").asText(),
                source.path("file").asText(),
                source.path("pos").asText(),
                source.path("row").asText(),
                value.path("transaction").path("total_order").asText()));
      } catch (Exception e) {
        out.append("  unreadable: ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  /** The last lines of each dedup pod's log, for failure messages. */
  public String dedupLogTail() {
    StringBuilder out = new StringBuilder();
    for (PodProcess pod : stack.pods().pods(namespace(), dedupDeployment())) {
      try {
        List<String> lines = java.nio.file.Files.readAllLines(pod.log());
        out.append("dedup pod ").append(pod.pid()).append(" log tail:\n");
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> out.append("  ").append(l).append('\n'));
      } catch (java.io.IOException e) {
        out.append("dedup log unreadable: ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  /** The pipeline's status and its connectors' states, for failure messages. */
  public String describe() {
    KubernetesClient client = stack.kubernetes().client();
    StringBuilder out = new StringBuilder("CdcPipeline status:\n");
    out.append(client.getKubernetesSerialization().asYaml(status()));
    for (var kc :
        client
            .resources(io.strimzi.api.kafka.model.connector.KafkaConnector.class)
            .inNamespace(namespace())
            .list()
            .getItems()) {
      out.append("KafkaConnector ")
          .append(kc.getMetadata().getName())
          .append(" status: ")
          .append(client.getKubernetesSerialization().asJson(kc.getStatus()))
          .append('\n');
    }
    for (String connector : stack.connect().rest().list()) {
      try {
        out.append("Connect ").append(stack.connect().rest().status(connector)).append('\n');
      } catch (RuntimeException e) {
        out.append("Connect ").append(connector).append(": ").append(e.getMessage()).append('\n');
      }
    }
    return out.toString();
  }

  /** The Events of the pipeline's namespace, oldest first, one "Reason: message" each. */
  public List<String> events() {
    return stack
        .kubernetes()
        .client()
        .v1()
        .events()
        .inNamespace(namespace())
        .list()
        .getItems()
        .stream()
        .sorted(
            java.util.Comparator.comparing(
                e -> String.valueOf(e.getMetadata().getCreationTimestamp())))
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
  }

  /** Source connector name of replica {@code i}. */
  public String sourceConnector(int i) {
    return ResourceNames.sourceConnector(applied, replicaName(i));
  }

  /** The sink connector's name. */
  public String sinkConnector() {
    return ResourceNames.sinkConnector(applied);
  }

  /** The dedup Deployment's name. */
  public String dedupDeployment() {
    return ResourceNames.dedup(applied);
  }

  /**
   * Commits a marker row and waits until every source connector has written it to its own topic:
   * from then on all sources stream (their snapshots are done), so the workload's changes arrive as
   * binlog events through every replica.
   */
  public void awaitStreaming(Duration timeout) throws SQLException {
    source.awaitSnapshotsDone(applied, timeout);
    for (int i = 0; i < replicaCount(); i++) {
      awaitSourceStreams(i, timeout);
    }
  }

  /**
   * Commits a marker row and waits until source {@code i}'s connector has written it to its own
   * markers topic (whose end offset counts the markers that source has read).
   */
  public void awaitSourceStreams(int i, Duration timeout) throws SQLException {
    TopicPartition markers =
        new TopicPartition(
            ResourceNames.sourceTopicPrefix(applied, replicaName(i))
                + "."
                + workload.database()
                + ".markers",
            0);
    long before;
    try {
      before = endOffsets(List.of(markers)).getOrDefault(markers, 0L);
    } catch (ExecutionException | InterruptedException e) {
      before = 0; // the topic does not exist before the source's first marker
    }
    long seen = before;
    workload.marker("streaming?");
    try {
      Awaitility.await(namespace() + " source " + i + " streaming")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> endOffsets(List.of(markers)).get(markers) > seen);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + describe(), e);
    }
  }

  /**
   * Waits until nothing more can reach the ERP: a marker committed after the workload has gone
   * through each given source (all sources when none given), the dedup runtime has committed the
   * end of every source topic, and the sink has committed the end of every output topic. Then the
   * ERP's record is final and can be compared with the truth.
   */
  public void awaitQuiescent(Duration timeout, int... sources) throws SQLException {
    if (sources.length == 0) {
      source.awaitCaughtUp(timeout);
      awaitStreaming(timeout);
    } else {
      // Only the given sources' replicas: another may have left the primary for good (failover).
      for (int i : sources) {
        source.awaitCaughtUp(i, timeout);
      }
      for (int i : sources) {
        awaitSourceStreams(i, timeout);
      }
    }
    List<String> sourcePrefixes = new java.util.ArrayList<>();
    for (int i = 0; i < replicaCount(); i++) {
      sourcePrefixes.add(
          ResourceNames.sourceTopicPrefix(applied, replicaName(i))
              + "."
              + workload.database()
              + ".");
    }
    awaitGroupCaughtUp(
        ResourceNames.dedupApplicationId(applied),
        topic -> sourcePrefixes.stream().anyMatch(topic::startsWith),
        0,
        timeout);
    // Output topics are written in transactions: the last offset of a partition is a commit
    // marker, which a consumer never commits past.
    awaitGroupCaughtUp(
        "connect-" + sinkConnector(),
        topic -> ResourceNames.outputTopics(applied).contains(topic),
        1,
        timeout);
  }

  private void awaitGroupCaughtUp(
      String group, java.util.function.Predicate<String> topics, int slack, Duration timeout) {
    Awaitility.await(namespace() + " group " + group + " caught up")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              var admin = stack.kafka().admin();
              Map<TopicPartition, OffsetAndMetadata> committed =
                  admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
              List<String> names =
                  admin.listTopics().names().get().stream().filter(topics).toList();
              List<TopicPartition> partitions = new java.util.ArrayList<>();
              admin
                  .describeTopics(names)
                  .allTopicNames()
                  .get()
                  .forEach(
                      (name, d) ->
                          d.partitions()
                              .forEach(
                                  p -> partitions.add(new TopicPartition(name, p.partition()))));
              Map<TopicPartition, Long> ends = endOffsets(partitions);
              return ends.entrySet().stream()
                  .allMatch(
                      e ->
                          e.getValue() == 0
                              || (committed.get(e.getKey()) != null
                                  && committed.get(e.getKey()).offset() >= e.getValue() - slack));
            });
  }

  /** Waits until the ERP acknowledged as many distinct changes as the primary committed. */
  public void awaitDelivered(Duration timeout) {
    try {
      Awaitility.await(namespace() + " ERP has every change")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> check("progress", null, -1).delivered() >= workload.truth().size());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      ScenarioReport report = check("progress", null, -1);
      StringBuilder why = new StringBuilder(e.getMessage()).append('\n');
      why.append(report.summary()).append('\n');
      report.problems().forEach(p -> why.append("  ").append(p).append('\n'));
      var requests = stack.erp().requests();
      why.append("ERP requests: ").append(requests.size());
      if (!requests.isEmpty()) {
        why.append(", first: ").append(requests.get(0));
      }
      why.append('\n').append(describe()).append('\n').append(dedupLogTail());
      why.append(dedupMetrics());
      why.append(rawSourceEvents("order_items", 40));
      throw new AssertionError(why.toString(), e);
    }
  }

  /** The records of the dedup runtime's dead-letter topic (read_committed), with their headers. */
  public List<DeadLetters.Letter> dedupDeadLetters() {
    return DeadLetters.read(stack.kafka(), ResourceNames.dedupDeadLetterTopic(applied));
  }

  /** The dedup runtime's anomaly records so far (read_committed), in topic order per partition. */
  public List<io.twinlog.contracts.DedupAnomalyRecord> anomalies() {
    return Anomalies.read(stack.kafka(), ResourceNames.dedupAnomalyTopic(applied));
  }

  /**
   * The dedup pods' {@code twinlog_dedup_anomalies_total} by {@code source|kind}, summed over pods.
   */
  public Map<String, Double> anomalyCounts() {
    Map<String, Double> counts = new java.util.TreeMap<>();
    for (PodProcess pod : stack.pods().pods(namespace(), dedupDeployment())) {
      Anomalies.counts(pod.metrics()).forEach((k, v) -> counts.merge(k, v, Double::sum));
    }
    return counts;
  }

  /**
   * Source {@code i}'s Debezium {@code topic.prefix}, which is also the {@code server} of its
   * offsets' partition. Connectors are named per pipeline, so a connector re-created under an
   * earlier scenario's name also lists that scenario's partitions in {@code GET .../offsets}.
   */
  public String sourceTopicPrefix(int i) {
    return ResourceNames.sourceTopicPrefix(applied, replicaName(i));
  }

  /** Source {@code i}'s topic of {@code table} (a table of the workload's database). */
  public String sourceTopic(int i, String table) {
    return ResourceNames.sourceTopicPrefix(applied, replicaName(i))
        + "."
        + workload.database()
        + "."
        + table;
  }

  /** Records in the dedup and sink dead-letter topics (read_committed). */
  public long deadLetters() {
    return DeadLetters.count(
        stack.kafka(),
        List.of(
            ResourceNames.dedupDeadLetterTopic(applied),
            ResourceNames.sinkDeadLetterTopic(applied)));
  }

  /** Compares the ERP's record with the truth. */
  public ScenarioReport check(
      String scenario, Duration failureToRestart, long expectedDeadLetters) {
    return check(scenario, failureToRestart, expectedDeadLetters, Instant.MIN);
  }

  /** As {@link #check(String, Duration, long)}, latency over changes from {@code latencyFrom}. */
  public ScenarioReport check(
      String scenario, Duration failureToRestart, long expectedDeadLetters, Instant latencyFrom) {
    return DeliveryCheck.check(
        scenario,
        workload.truth().changes(),
        stack.erp().requests(),
        Set.copyOf(workload.truthTables()),
        expectedDeadLetters < 0 ? 0 : deadLetters(),
        Math.max(0, expectedDeadLetters),
        failureToRestart,
        latencyFrom);
  }

  private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
    partitions.forEach(p -> request.put(p, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        stack.kafka().admin().listOffsets(request).all().get();
    Map<TopicPartition, Long> ends = new java.util.HashMap<>();
    result.forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** Deletes the pipeline and waits until the API server no longer has it. */
  public Instant delete(Duration timeout) {
    Instant deletedAt = Instant.now();
    stack
        .kubernetes()
        .client()
        .resources(CdcPipeline.class)
        .inNamespace(namespace())
        .withName(name())
        .delete();
    Awaitility.await(namespace() + " pipeline gone")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> current() == null);
    return deletedAt;
  }

  /** Deletes the pipeline if a failed scenario left it (so it stops loading the shared stack). */
  @Override
  public void close() throws SQLException {
    try {
      if (current() != null) {
        delete(Duration.ofSeconds(60));
      }
    } finally {
      workload.close();
    }
  }
}
