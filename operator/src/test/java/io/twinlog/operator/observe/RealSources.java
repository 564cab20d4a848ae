package io.twinlog.operator.observe;

import static org.awaitility.Awaitility.await;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.desired.SourceConnectors;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.MariaDbServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Real sources for tests: a MariaDB primary with replicas, Kafka, Connect, and the Debezium MariaDB
 * connectors exactly as the operator renders them ({@link SourceConnectors}) for a CdcPipeline
 * pointing at those replicas. Shared by {@code HeartbeatWatcherIT} and {@code TraceCapture}.
 */
public final class RealSources implements AutoCloseable {
  public static final String NAMESPACE = "shop";
  public static final String SECRET = "cdc-db";

  private final MariaDbCluster db;
  private final EmbeddedKafka kafka;
  private final EmbeddedConnect connect;
  private final CdcPipeline pipeline;

  private RealSources(
      MariaDbCluster db, EmbeddedKafka kafka, EmbeddedConnect connect, String stallAfter) {
    this.db = db;
    this.kafka = kafka;
    this.connect = connect;
    this.pipeline = TestPipelines.parse(yaml(db, kafka.bootstrapServers(), stallAfter));
  }

  /**
   * Starts MariaDB (primary + {@code replicas}) and Kafka in parallel, then Connect; creates {@code
   * shop.orders} and {@code shop.order_items}. No connector runs yet.
   */
  public static RealSources start(int replicas, String stallAfter) {
    CompletableFuture<MariaDbCluster> db =
        CompletableFuture.supplyAsync(() -> MariaDbCluster.builder().replicas(replicas).start());
    EmbeddedKafka kafka = EmbeddedKafka.start();
    EmbeddedConnect connect = EmbeddedConnect.start(kafka);
    connect.putSecret(NAMESPACE, SECRET, "username", MariaDbCluster.CDC_USER);
    connect.putSecret(NAMESPACE, SECRET, "password", MariaDbCluster.CDC_PASSWORD);
    MariaDbCluster cluster = db.join();
    cluster
        .primary()
        .execute(
            "CREATE DATABASE shop",
            "CREATE TABLE shop.orders (id INT PRIMARY KEY, status VARCHAR(20))",
            "CREATE TABLE shop.order_items (id INT PRIMARY KEY, order_id INT)");
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    return new RealSources(cluster, kafka, connect, stallAfter);
  }

  private static String yaml(MariaDbCluster db, String bootstrap, String stallAfter) {
    StringBuilder replicas = new StringBuilder();
    for (int i = 0; i < db.replicas().size(); i++) {
      MariaDbServer r = db.replica(i);
      replicas.append(
          "      - {name: replica-%s, host: \"%s\", port: %d, serverId: %d}\n"
              .formatted((char) ('a' + i), r.host(), r.port(), 5401 + i));
    }
    return """
        apiVersion: cdc.twinlog.io/v1alpha1
        kind: CdcPipeline
        metadata: {name: orders, namespace: %s, generation: 1}
        spec:
          kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "%s"}
          source:
            type: mariadb
            include: {databases: [shop], tables: [shop.orders, shop.order_items]}
            credentials: {secretName: %s}
            replicas:
        %s  restartPolicy: {stallAfter: %s}
        """
        .formatted(NAMESPACE, bootstrap, SECRET, replicas, stallAfter);
  }

  public MariaDbCluster db() {
    return db;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  /** Connect's REST base URL. */
  public java.net.URI restUri() {
    return connect.restUri();
  }

  public ConnectRest rest() {
    return connect.rest();
  }

  public CdcPipeline pipeline() {
    return pipeline;
  }

  /** The replica name of replica i ({@code replica-a}, ...). */
  public String replicaName(int i) {
    return pipeline.getSpec().getSource().getReplicas().get(i).getName();
  }

  /** The Debezium {@code topic.prefix} the operator gives replica i. */
  public String topicPrefix(int i) {
    return ResourceNames.sourceTopicPrefix(pipeline, replicaName(i));
  }

  /** The operator's KafkaConnector for replica i. */
  public KafkaConnector connector(int i) {
    return SourceConnectors.of(pipeline).get(i);
  }

  /** The connector's name (as Strimzi names the Connect connector: the resource name). */
  public String connectorName(int i) {
    return connector(i).getMetadata().getName();
  }

  /** The Connect config Strimzi would submit for replica i: class, tasks.max, config. */
  public Map<String, String> connectConfig(int i) {
    return connectConfig(connector(i));
  }

  /** The Connect config Strimzi would submit for a KafkaConnector: class, tasks.max, config. */
  public static Map<String, String> connectConfig(KafkaConnector kc) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("connector.class", kc.getSpec().getClassName());
    config.put("tasks.max", String.valueOf(kc.getSpec().getTasksMax()));
    kc.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
    return config;
  }

  /** Creates replica i's connector and waits until Connect reports it and its task RUNNING. */
  public void startConnector(int i) {
    rest().createConnector(connectorName(i), connectConfig(i));
    awaitRunning(i);
  }

  /** Waits until Connect reports replica i's connector and its task RUNNING. */
  public void awaitRunning(int i) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(ConnectRest.ConnectRestException.class)
        .until(() -> rest().status(connectorName(i)).isRunning());
  }

  /** The names of every replica's connector. */
  public List<String> connectorNames() {
    return java.util.stream.IntStream.range(0, db.replicas().size())
        .mapToObj(this::connectorName)
        .toList();
  }

  @Override
  public void close() {
    connect.close();
    kafka.close();
    db.close();
  }
}
