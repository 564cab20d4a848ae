package io.twinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.awaitility.Awaitility;

/**
 * A Kafka Connect distributed worker in this JVM, against an {@link EmbeddedKafka}, with plugins
 * from the classpath and a {@code secrets} config provider that mimics Strimzi's.
 *
 * <p>Workers started with the same {@code group.id} (via extra props) form one Connect cluster.
 * {@code ${secrets:ns/name:key}} resolves to the file {@code secretsDir()/ns/name/key} (see {@link
 * #putSecret}); {@code ${file:path:key}} and {@code ${dir:path:file}} are Kafka's own providers.
 * Plugins are found with {@code plugin.discovery=service_load}: a connector, converter or transform
 * on the classpath needs its {@code META-INF/services} manifest.
 */
public final class EmbeddedConnect implements AutoCloseable {

  private final Connect<DistributedHerder> connect;
  private final URI restUri;
  private final Path secretsDir;
  private final ConnectRest rest;

  private EmbeddedConnect(Connect<DistributedHerder> connect, URI restUri, Path secretsDir) {
    this.connect = connect;
    this.restUri = restUri;
    this.secretsDir = secretsDir;
    this.rest = new ConnectRest(restUri);
  }

  /** Starts one worker of a new Connect cluster with the default worker config. */
  public static EmbeddedConnect start(EmbeddedKafka kafka) {
    return start(kafka, Map.of());
  }

  /**
   * Starts one worker; {@code extraWorkerProps} override the defaults (e.g. {@code
   * value.converter.schemas.enable=true}, {@code group.id} to join another worker's cluster).
   */
  public static EmbeddedConnect start(EmbeddedKafka kafka, Map<String, String> extraWorkerProps) {
    Path secretsDir;
    try {
      secretsDir = Files.createTempDirectory("twinlog-connect-secrets-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> props = workerProps(kafka.bootstrapServers(), secretsDir, extraWorkerProps);
    ClassLoader callerLoader = Thread.currentThread().getContextClassLoader();
    // ConnectDistributed calls Exit.exit on a failed start; that must fail the test, not the JVM.
    Exit.setExitProcedure(
        (code, message) -> {
          throw new IllegalStateException("Connect worker exited with " + code + ": " + message);
        });
    Connect<DistributedHerder> connect;
    try {
      connect = new ConnectDistributed().startConnect(props);
    } catch (RuntimeException e) {
      deleteRecursively(secretsDir);
      throw e;
    } finally {
      Exit.resetExitProcedure();
      // Plugins swap in their own context class loader; give the caller back its own.
      Thread.currentThread().setContextClassLoader(callerLoader);
    }
    URI restUri = connect.rest().advertisedUrl();
    EmbeddedConnect worker = new EmbeddedConnect(connect, restUri, secretsDir);
    try {
      worker.awaitHealthy(Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
    return worker;
  }

  static Map<String, String> workerProps(
      String bootstrapServers, Path secretsDir, Map<String, String> extra) {
    String groupId = extra.getOrDefault("group.id", "twinlog-connect-" + UUID.randomUUID());
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("group.id", groupId);
    props.put("config.storage.topic", groupId + "-configs");
    props.put("offset.storage.topic", groupId + "-offsets");
    props.put("status.storage.topic", groupId + "-status");
    props.put("config.storage.replication.factor", "1");
    props.put("offset.storage.replication.factor", "1");
    props.put("status.storage.replication.factor", "1");
    props.put("offset.storage.partitions", "5");
    props.put("status.storage.partitions", "1");
    props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    props.put("key.converter.schemas.enable", "false");
    props.put("value.converter.schemas.enable", "false");
    props.put("offset.flush.interval.ms", "500");
    props.put("listeners", "http://127.0.0.1:0");
    // Reflective scanning of the whole test classpath takes ~30 s; every plugin we run ships a
    // ServiceLoader manifest (META-INF/services), which is also what Kafka 4 recommends.
    props.put("plugin.discovery", "service_load");
    props.put("scheduled.rebalance.max.delay.ms", "1000");
    props.put("task.shutdown.graceful.timeout.ms", "5000");
    props.put("connector.client.config.override.policy", "All");
    props.put("config.providers", "secrets,file,dir");
    props.put("config.providers.secrets.class", DirectorySecretsConfigProvider.class.getName());
    props.put(
        "config.providers.secrets.param." + DirectorySecretsConfigProvider.ROOT_CONFIG,
        secretsDir.toString());
    props.put(
        "config.providers.file.class",
        "org.apache.kafka.common.config.provider.FileConfigProvider");
    props.put(
        "config.providers.dir.class",
        "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
    props.putAll(extra);
    return props;
  }

  /** The worker's REST base URI, e.g. {@code http://127.0.0.1:41234/}. */
  public URI restUri() {
    return restUri;
  }

  /** A REST client for this worker. */
  public ConnectRest rest() {
    return rest;
  }

  /** The directory behind the {@code secrets} config provider. */
  public Path secretsDir() {
    return secretsDir;
  }

  /**
   * Stores a secret so connector configs can reference it as {@code ${secrets:namespace/name:key}},
   * the way Strimzi's provider reads a Kubernetes Secret.
   */
  public void putSecret(String namespace, String name, String key, String value) {
    Path dir = secretsDir.resolve(namespace).resolve(name);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(key), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health =
        HttpRequest.newBuilder(restUri.resolve("/health")).timeout(Duration.ofSeconds(5)).build();
    Awaitility.await("Connect worker at " + restUri + " healthy")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  /** Stops the worker (its connectors stop with it) and deletes the secrets directory. */
  @Override
  public void close() {
    try {
      connect.stop();
    } finally {
      deleteRecursively(secretsDir);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
