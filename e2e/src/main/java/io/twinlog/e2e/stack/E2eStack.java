package io.twinlog.e2e.stack;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.twinlog.e2e.erp.ErpStandIn;
import io.twinlog.e2e.strimzi.StrimziStandIn;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.reconciler.OperatorSettings;
import io.twinlog.testkit.EmbeddedConnect;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.MariaDbCluster;
import io.twinlog.testkit.PostgresCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole Twinlog installation on one machine, real parts wherever they can run here: MariaDB
 * primary + 2 replicas ({@code mariadbd} processes), a KRaft broker and a Connect worker (with
 * Debezium's MariaDB connector, Twinlog's ERP sink and Strimzi's Kubernetes secrets config
 * provider) in this JVM, fabric8's mock API server, the real Twinlog operator in-process, dedup
 * runtimes as child JVMs, and the ERP stand-in. Stand-ins (test code) replace Strimzi's operators
 * and Kubernetes' Deployment controller. One stack serves many pipelines (one namespace each).
 */
public final class E2eStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(E2eStack.class);

  /** Strimzi's config provider class, run by the Connect worker against the mock API server. */
  public static final String STRIMZI_SECRETS_PROVIDER =
      "io.strimzi.kafka.KubernetesSecretConfigProvider";

  private final Path root;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MariaDbCluster mariadb;
  private PostgresCluster postgres;
  private EmbeddedKafka kafka;
  private MockKubernetes kubernetes;
  private EmbeddedConnect connect;
  private StrimziStandIn strimzi;
  private Pods pods;
  private TwinlogOperator operator;
  private ErpStandIn erp;
  private Thread hook;

  private E2eStack(Path root) {
    this.root = root;
  }

  /** Starts everything; on failure stops what already started. */
  public static E2eStack start() {
    return start(true);
  }

  /**
   * Starts everything; with {@code shutdownHook} a JVM shutdown (Ctrl-C, a killed test run) stops
   * it too. The playground passes false and closes the stack from its own hook, after its summary.
   */
  public static E2eStack start(boolean shutdownHook) {
    Path root;
    try {
      root = Files.createTempDirectory("twinlog-e2e-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    E2eStack stack = new E2eStack(root);
    // Ctrl-C or a killed test run: stop the processes and delete the temp folder all the same.
    if (shutdownHook) {
      Thread hook = new Thread(stack::close, "twinlog-e2e-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      stack.hook = hook;
    }
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    long t0 = System.nanoTime();
    registerJdbcDriver();
    CompletableFuture<MariaDbCluster> db =
        CompletableFuture.supplyAsync(() -> MariaDbCluster.builder().replicas(2).start());
    kafka = register(EmbeddedKafka.start());
    mariadb = register(db.join());
    kubernetes = register(MockKubernetes.start());
    connect = register(startConnect());
    strimzi =
        register(
            StrimziStandIn.start(
                kubernetes.client(), connect.rest(), kafka.admin(), Clock.systemUTC()));
    pods =
        register(
            Pods.start(
                kubernetes.client(),
                root.resolve("pods"),
                Clock.systemUTC(),
                List.of(PodRecipe.DEDUP, PodRecipe.WEBHOOK_RECEIVER, PodRecipe.WEBHOOK_DEDUP)));
    operator =
        register(
            TwinlogOperator.start(
                kubernetes.client(),
                Clock.systemUTC(),
                // One Connect worker serves every namespace here; on a cluster the operator
                // reaches each KafkaConnect's <name>-connect-api Service.
                OperatorSettings.inProcess().withConnectApiUrl(connect.restUri().toString())));
    erp = register(ErpStandIn.start());
    LOG.info("e2e stack up in {} ms (temp root {})", (System.nanoTime() - t0) / 1_000_000, root);
  }

  /**
   * Under Maven's exec:java the classpath is a child class loader, whose JDBC drivers
   * DriverManager's ServiceLoader scan (system class loader) never registers; loading the class
   * registers it, so {@code DriverManager.getConnection} (the testkit's and ours) finds it.
   */
  private static void registerJdbcDriver() {
    for (String driver : List.of("org.mariadb.jdbc.Driver", "org.postgresql.Driver")) {
      try {
        Class.forName(driver, true, E2eStack.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(driver + " missing from the classpath", e);
      }
    }
  }

  private EmbeddedConnect startConnect() {
    // Strimzi's provider builds its own fabric8 client from system properties: point it at the
    // mock API server (plain HTTP, no kubeconfig, no service account).
    System.setProperty("kubernetes.master", kubernetes.url());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("kubernetes.trust.certificates", "true");
    System.setProperty("kubernetes.namespace", "default");
    Map<String, String> worker = new HashMap<>();
    worker.put("config.providers.secrets.class", STRIMZI_SECRETS_PROVIDER);
    return EmbeddedConnect.start(kafka, worker);
  }

  private <T extends AutoCloseable> T register(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /**
   * Creates a namespace with the CDC credentials Secret the pipelines reference ({@code cdc-db},
   * keys {@code username}/{@code password}), as a user would before applying a pipeline.
   */
  public void prepareNamespace(String namespace) {
    kubernetes
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    putSecret(
        namespace,
        "cdc-db",
        Map.of("username", MariaDbCluster.CDC_USER, "password", MariaDbCluster.CDC_PASSWORD));
    putSecret(
        namespace,
        "cdc-pg",
        Map.of("username", PostgresCluster.CDC_USER, "password", PostgresCluster.CDC_PASSWORD));
  }

  /** Creates a Secret (its values base64-encoded into {@code data}). */
  public void putSecret(String namespace, String name, Map<String, String> values) {
    SecretBuilder secret =
        new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata();
    values.forEach((k, v) -> secret.addToData(k, base64(v)));
    kubernetes.client().secrets().inNamespace(namespace).resource(secret.build()).create();
  }

  // The mock API server does not turn stringData into data as a real one does.
  private static String base64(String value) {
    return java.util.Base64.getEncoder()
        .encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public MariaDbCluster mariadb() {
    return mariadb;
  }

  /**
   * A PostgreSQL primary with two streaming standbys, started on first use: only the PostgreSQL
   * scenarios pay for it.
   */
  public synchronized PostgresCluster postgres() {
    if (postgres == null) {
      postgres = register(PostgresCluster.builder().standbys(2).start());
      // The pipelines read the standbys only: the operator's WAL heartbeat finds the primary
      // through a standby's WAL receiver, which PostgreSQL shows only to pg_read_all_stats
      // (docs/concepts/postgresql.md, "The WAL heartbeat").
      postgres.primary().execute("GRANT pg_read_all_stats TO " + PostgresCluster.CDC_USER);
    }
    return postgres;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public MockKubernetes kubernetes() {
    return kubernetes;
  }

  public EmbeddedConnect connect() {
    return connect;
  }

  public StrimziStandIn strimzi() {
    return strimzi;
  }

  public Pods pods() {
    return pods;
  }

  public TwinlogOperator operator() {
    return operator;
  }

  public ErpStandIn erp() {
    return erp;
  }

  /** The stack's temporary folder (deleted by {@link #close()}). */
  public Path root() {
    return root;
  }

  /** Stops everything in reverse start order and deletes the temporary folder. */
  @Override
  public synchronized void close() {
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already in shutdown: the hook runs (or ran) this method
      }
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        LOG.warn(
            "stopping {} failed: {}", closeables.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    closeables.clear();
    deleteRecursively(root);
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
