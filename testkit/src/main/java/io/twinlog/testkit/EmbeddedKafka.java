package io.twinlog.testkit;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka (combined broker and controller) in this JVM, set up for exactly-once.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private final Admin admin;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.admin = cluster.admin();
  }

  /** Starts one combined broker/controller and waits until it accepts clients. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /** Starts one broker with extra broker properties on top of the exactly-once defaults. */
  public static EmbeddedKafka start(Map<String, ?> brokerProps) {
    return start(brokerProps, Map.of());
  }

  /**
   * Starts a broker that also has a {@code SECURE} listener, as a Strimzi cluster's {@code tls}
   * listener with {@code authentication: scram-sha-512}: TLS with {@code certificates}' key
   * (clients verify it against {@link TestCertificates#caPem()}, host name included) and SCRAM-SHA
   * 512 authentication. The plain listener of {@link #bootstrapServers()} stays for the tests' own
   * tooling (the inter-broker listener of a real cluster); {@link #secureBootstrapServers()} is
   * what the system under test gets. Users are added with {@link #addScramUser}.
   */
  public static EmbeddedKafka startSecured(TestCertificates certificates) {
    return startSecured(certificates, null);
  }

  /**
   * As {@link #startSecured(TestCertificates)}, plus an {@code MTLS} listener that requires a
   * client certificate signed by {@code clients} (Strimzi's {@code authentication: tls}), at {@link
   * #mtlsBootstrapServers()}.
   */
  public static EmbeddedKafka startSecured(
      TestCertificates certificates, TestCertificates.ClientCertificate clients) {
    return startSecured(certificates, clients, null);
  }

  /**
   * As {@link #startSecured(TestCertificates, TestCertificates.ClientCertificate)}; with {@code
   * superUsers} (not null), KRaft's {@code StandardAuthorizer} decides every request by ACLs (no
   * ACL: denied), as on a Strimzi cluster with {@code authorization: simple}. Super users: the
   * plain listeners' anonymous principal (the tests' tooling, the controller) and {@code
   * superUsers} (principals such as {@code User:alice}).
   */
  public static EmbeddedKafka startSecured(
      TestCertificates certificates,
      TestCertificates.ClientCertificate clients,
      List<String> superUsers) {
    Map<String, String> node = new HashMap<>();
    if (superUsers != null) {
      node.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      List<String> all = new java.util.ArrayList<>(List.of("User:ANONYMOUS"));
      all.addAll(superUsers);
      node.put("super.users", String.join(";", all));
    }
    // a combined node: the test kit's own two listeners plus ours
    node.put(
        "listeners",
        "EXTERNAL://localhost:0,CONTROLLER://localhost:0,SECURE://localhost:0"
            + (clients == null ? "" : ",MTLS://localhost:0"));
    node.put(
        "listener.security.protocol.map",
        "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURE:SASL_SSL"
            + (clients == null ? "" : ",MTLS:SSL"));
    if (clients != null) {
      node.put("listener.name.mtls.ssl.client.auth", "required");
      node.put("listener.name.mtls.ssl.truststore.type", "PEM");
      node.put("listener.name.mtls.ssl.truststore.location", clients.clientsCa().toString());
      node.put("listener.name.mtls.ssl.keystore.type", "PKCS12");
      node.put("listener.name.mtls.ssl.keystore.location", certificates.keyStore().toString());
      node.put("listener.name.mtls.ssl.keystore.password", certificates.password());
      node.put("listener.name.mtls.ssl.key.password", certificates.password());
    }
    node.put("listener.name.secure.sasl.enabled.mechanisms", "SCRAM-SHA-512");
    node.put(
        "listener.name.secure.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    node.put("listener.name.secure.ssl.keystore.type", "PKCS12");
    node.put("listener.name.secure.ssl.keystore.location", certificates.keyStore().toString());
    node.put("listener.name.secure.ssl.keystore.password", certificates.password());
    node.put("listener.name.secure.ssl.key.password", certificates.password());
    return start(Map.of(), Map.of(0, node));
  }

  private static EmbeddedKafka start(
      Map<String, ?> brokerProps, Map<Integer, Map<String, String>> perServer) {
    MetadataVersion version = MetadataVersion.LATEST_PRODUCTION;
    // The test kit defaults to the latest *testing* version; tests must see what production sees.
    Map<String, Short> features =
        Feature.PRODUCTION_FEATURES.stream()
            .collect(
                Collectors.toMap(
                    Feature::featureName, f -> f.defaultLevel(version), (a, b) -> a, TreeMap::new));
    TestKitNodes nodes =
        new TestKitNodes.Builder(BootstrapMetadata.fromVersions(version, features, "twinlog"))
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setPerServerProperties(perServer)
            .build();
    Map<String, Object> props = new HashMap<>();
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("group.streams.initial.rebalance.delay.ms", "0");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("auto.create.topics.enable", "true");
    // Fewer threads: the tests share two cores with a Connect worker, MariaDB and other builds.
    props.put("num.io.threads", "2");
    props.put("num.network.threads", "2");
    props.put("background.threads", "2");
    props.put("unstable.api.versions.enable", "false");
    props.put("unstable.feature.versions.enable", "false");
    props.putAll(brokerProps);
    KafkaClusterTestKit cluster = null;
    try {
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      props.forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(cluster);
    } catch (Exception e) {
      if (cluster != null) {
        try {
          cluster.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("embedded Kafka did not start", e);
    }
  }

  /** The bootstrap servers of the running broker, e.g. {@code localhost:40123}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /**
   * The {@code SECURE} listener of {@link #startSecured} ({@code localhost:port}); fails on a
   * broker started without it.
   */
  public String secureBootstrapServers() {
    int port = cluster.brokers().values().iterator().next().boundPort(new ListenerName("SECURE"));
    return "localhost:" + port;
  }

  /**
   * The {@code MTLS} listener of {@link #startSecured(TestCertificates,
   * TestCertificates.ClientCertificate)}.
   */
  public String mtlsBootstrapServers() {
    int port = cluster.brokers().values().iterator().next().boundPort(new ListenerName("MTLS"));
    return "localhost:" + port;
  }

  /** Adds (or replaces) a SCRAM-SHA-512 user, as Strimzi's User Operator does for a KafkaUser. */
  public void addScramUser(String user, String password) {
    try {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
          .all()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not add SCRAM user " + user, e.getCause());
    }
  }

  /** A shared admin client; closed by {@link #close()}. */
  public Admin admin() {
    return admin;
  }

  /** Creates a topic with replication factor 1 and waits until it exists. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /** Creates a topic with replication factor 1 and the given topic configs. */
  public void createTopic(String name, int partitions, Map<String, String> config) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(config);
    try {
      admin.createTopics(List.of(topic)).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create topic " + name, e.getCause());
    }
  }

  /** Client properties pointing at this broker. */
  public Map<String, Object> clientProps() {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /** An idempotent producer with String keys and values; the caller closes it. */
  public KafkaProducer<String, String> stringProducer() {
    return new KafkaProducer<>(producerProps(), new StringSerializer(), new StringSerializer());
  }

  /** An idempotent producer with byte[] keys and values; the caller closes it. */
  public KafkaProducer<byte[], byte[]> bytesProducer() {
    return new KafkaProducer<>(
        producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A read_committed consumer in {@code groupId} reading from the earliest offset. */
  public KafkaConsumer<String, String> stringConsumer(String groupId) {
    return new KafkaConsumer<>(
        consumerProps(groupId), new StringDeserializer(), new StringDeserializer());
  }

  /** A read_committed consumer with byte[] keys and values. */
  public KafkaConsumer<byte[], byte[]> bytesConsumer(String groupId) {
    return new KafkaConsumer<>(
        consumerProps(groupId), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Reads {@code topic} from the beginning until {@code count} records arrived or {@code timeout}
   * passed, and returns what it read (possibly fewer records).
   */
  public List<ConsumerRecord<String, String>> consume(String topic, int count, Duration timeout) {
    try (KafkaConsumer<String, String> consumer =
        stringConsumer("twinlog-testkit-" + System.nanoTime())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * The sum of {@code topic}'s partitions' end offsets (records written, transaction markers
   * included), 0 when the topic does not exist yet.
   */
  public long endOffset(String topic) {
    try {
      if (!admin.listTopics().names().get().contains(topic)) {
        return 0;
      }
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      partitions
          .partitions()
          .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      return admin.listOffsets(request).all().get().values().stream()
          .mapToLong(i -> i.offset())
          .sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  private Map<String, Object> producerProps() {
    Map<String, Object> props = clientProps();
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return props;
  }

  private Map<String, Object> consumerProps(String groupId) {
    Map<String, Object> props = clientProps();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  /** Stops the broker and deletes its log directories. */
  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka did not stop cleanly", e);
    }
  }
}
