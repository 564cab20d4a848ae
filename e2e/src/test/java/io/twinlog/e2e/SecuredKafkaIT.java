package io.twinlog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.twinlog.contracts.DedupRuntimeEnv;
import io.twinlog.dedup.DedupRuntime;
import io.twinlog.e2e.strimzi.UserOperatorStandIn;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.desired.DedupConfig;
import io.twinlog.operator.desired.DedupKafkaUser;
import io.twinlog.operator.desired.KafkaClientSecurity;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.testkit.CapturedLog;
import io.twinlog.testkit.EmbeddedKafka;
import io.twinlog.testkit.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup runtime on a secured listener (TLS verified against the cluster CA, SCRAM-SHA-512), run
 * with exactly the environment the operator puts in its ConfigMap for {@code spec.kafka.tls} and
 * {@code spec.kafka.authentication}, and the Secrets where the Deployment mounts them. Overridden,
 * as in the dedup pods stand-in: the state directory, the metrics port, and the mount root (the
 * pod's {@code /etc/twinlog/kafka} is a temporary folder here).
 */
class SecuredKafkaIT {
  private static final String USER = "twinlog-orders";
  private static final String TABLE = "shop.orders";

  @TempDir static Path dir;
  static TestCertificates certs;
  static TestCertificates.ClientCertificate client;
  static EmbeddedKafka kafka;
  static final String PASSWORD = UUID.randomUUID().toString();

  @BeforeAll
  static void startKafka() {
    certs = TestCertificates.localhost(dir.resolve("certs"));
    client = TestCertificates.client(dir.resolve("client"), USER);
    // ACLs decide; the spec's own user (the schema history's and the operator's) is a super user
    // here, so only the dedup runtime's least-privilege KafkaUser is held to its ACLs
    kafka = EmbeddedKafka.startSecured(certs, client, List.of("User:" + USER, "User:CN=" + USER));
    kafka.addScramUser(USER, PASSWORD);
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void dedupRuntimeRunsOnTheSecuredListenerWithTheOperatorsConfig() throws Exception {
    CdcPipeline p = pipeline("secured", kafka.secureBootstrapServers(), SCRAM);
    Map<String, String> env = podEnv(p, "secured", PASSWORD);
    // nothing in the ConfigMap is a secret value: only references to the mounted files
    assertThat(String.join("\n", DedupConfig.env(p).values())).doesNotContain(PASSWORD);
    assertThat(env.get("TWINLOG_KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_SSL");
    List<ConsumerRecord<String, String>> out;
    try (CapturedLog log = CapturedLog.start()) {
      out = deliverOneChange(p, env);
      // the runtime logged its start-up and its run; never the password
      assertThat(log.text()).contains("started: sources").doesNotContain(PASSWORD);
    }
    // the change both replicas delivered, once
    assertThat(out).hasSize(1);
    assertThat(out.get(0).value()).contains("\"gtid\":\"0-1-1\"");
    assertThat(kafka.consume(ResourceNames.outputTopic(p, TABLE), 2, Duration.ofSeconds(3)))
        .hasSize(1);
  }

  /**
   * Both replicas send the same change; a runtime with {@code env} runs until RUNNING; returns what
   * the output holds (read on the plain listener) once it holds one record, or after 60 s.
   */
  private static List<ConsumerRecord<String, String>> deliverOneChange(
      CdcPipeline p, Map<String, String> env) throws Exception {
    createTopics(p);
    produce(p, "replica-a", 1);
    produce(p, "replica-b", 1);
    try (DedupRuntime runtime = DedupRuntime.start(env)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> runtime.state() == KafkaStreams.State.RUNNING);
      return kafka.consume(ResourceNames.outputTopic(p, TABLE), 1, Duration.ofSeconds(60));
    }
  }

  @Test
  void aWrongPasswordStopsTheRuntimeWithTheBrokersReason() throws Exception {
    CdcPipeline p = pipeline("refused", kafka.secureBootstrapServers(), SCRAM);
    createTopics(p);
    Map<String, String> env = podEnv(p, "refused", "not-the-password");
    try (CapturedLog log = CapturedLog.start()) {
      assertThatThrownBy(() -> DedupRuntime.start(env).close())
          .hasMessageContaining("cannot list source topics on " + kafka.secureBootstrapServers())
          .hasMessageContaining("Authentication failed")
          .hasMessageNotContaining("not-the-password");
      // the broker's refusal is logged, the password that was refused is not
      assertThat(log.text()).contains("Authentication failed").doesNotContain("not-the-password");
    }
  }

  /**
   * Mutual TLS: the dedup runtime presents the KafkaUser's certificate and key (PEM from its
   * Secret) to a listener that requires a client certificate; without them it is refused.
   */
  @Test
  void mutualTlsWithTheKafkaUsersCertificate() throws Exception {
    CdcPipeline p = pipeline("mtls", kafka.mtlsBootstrapServers(), MTLS);
    Map<String, String> env = podEnv(p, "mtls", null);
    assertThat(env.get("TWINLOG_KAFKA_SECURITY_PROTOCOL")).isEqualTo("SSL");
    assertThat(String.join("\n", DedupConfig.env(p).values()))
        .doesNotContain("PRIVATE KEY")
        .doesNotContain(client.certificatePem().lines().skip(1).findFirst().orElseThrow());
    assertThat(deliverOneChange(p, env)).hasSize(1);

    CdcPipeline anonymous = pipeline("anonymous", kafka.mtlsBootstrapServers(), "");
    createTopics(anonymous);
    Map<String, String> noCertificate = podEnv(anonymous, "anonymous", null);
    assertThatThrownBy(() -> DedupRuntime.start(noCertificate).close())
        .hasMessageContaining("cannot list source topics on " + kafka.mtlsBootstrapServers())
        .hasMessageContaining("SslAuthenticationException");
  }

  /**
   * Least privilege: the dedup runtime runs as the KafkaUser the operator made for it (the User
   * Operator's part played by a stand-in: SCRAM credentials and exactly the user's ACLs) on a
   * broker where ACLs decide, and does its whole job; the same runtime as a user without ACLs is
   * refused (so the broker does enforce them).
   */
  @Test
  void theDedupRuntimeNeedsNothingBeyondItsKafkaUsersAcls() throws Exception {
    CdcPipeline p = pipeline("acl", kafka.secureBootstrapServers(), LEAST_PRIVILEGE);
    KafkaUser user = DedupKafkaUser.of(p);
    assertThat(user.getMetadata().getName()).isEqualTo("acl-dedup");
    String password = UUID.randomUUID().toString();
    UserOperatorStandIn.apply(kafka, user, password);
    Map<String, String> env = podEnv(p, "acl", password);
    assertThat(env.get("TWINLOG_KAFKA_SASL_JAAS_CONFIG")).contains("username=\"acl-dedup\"");
    createTopics(p);
    kafka.createTopic(ResourceNames.dedupDeadLetterTopic(p), 1);
    kafka.createTopic(ResourceNames.dedupAnomalyTopic(p), 1);
    produce(p, "replica-a", 1);
    produce(p, "replica-b", 1);
    try (DedupRuntime runtime = DedupRuntime.start(env)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> ready(runtime) || runtime.failed());
      assertThat(runtime.failed()).as("a missing ACL stops Kafka Streams; see the log").isFalse();
      assertThat(kafka.consume(ResourceNames.outputTopic(p, TABLE), 1, Duration.ofSeconds(60)))
          .hasSize(1);
    }

    // the same runtime as a user without ACLs
    kafka.addScramUser("nobody", password);
    Map<String, String> nobody = new LinkedHashMap<>(env);
    nobody.put(
        "TWINLOG_KAFKA_SASL_JAAS_CONFIG",
        env.get("TWINLOG_KAFKA_SASL_JAAS_CONFIG").replace("acl-dedup", "nobody"));
    nobody.put(DedupRuntimeEnv.STATE_DIR, dir.resolve("nobody-state").toString());
    nobody.put(DedupRuntimeEnv.APPLICATION_ID, "nobody");
    try (DedupRuntime runtime = DedupRuntime.start(nobody)) {
      // the broker refuses its consumer group (GroupAuthorizationException): Kafka Streams stops
      await().atMost(Duration.ofSeconds(60)).until(runtime::failed);
      assertThat(ready(runtime)).isFalse();
    }
    assertThat(kafka.consume(ResourceNames.outputTopic(p, TABLE), 2, Duration.ofSeconds(3)))
        .hasSize(1);
  }

  private static boolean ready(DedupRuntime runtime) {
    return readyz(runtime).startsWith("kafka-streams RUNNING\n");
  }

  private static String readyz(DedupRuntime runtime) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + runtime.metricsPort() + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  private static final String SCRAM =
      "authentication: {type: scram-sha-512, username: " + USER + ", leastPrivilege: false}";
  private static final String MTLS =
      "authentication: {type: tls, secretName: " + USER + ", leastPrivilege: false}";
  private static final String LEAST_PRIVILEGE =
      "authentication: {type: scram-sha-512, username: " + USER + "}";

  private static CdcPipeline pipeline(String name, String bootstrap, String authentication)
      throws Exception {
    String yaml =
        """
        apiVersion: cdc.twinlog.io/v1alpha1
        kind: CdcPipeline
        metadata: {name: %s, namespace: shop, uid: 0b5c7f4e-4c0e-4a8e-9d55-2f1a7c0e9d31}
        spec:
          kafka:
            cluster: main
            connectCluster: cdc-connect
            bootstrapServers: "%s"
            tls: {}
            %s
          source:
            type: mariadb
            include: {databases: [shop], tables: [%s]}
            credentials: {secretName: cdc-db}
            replicas:
              - {name: replica-a, host: db-a, serverId: 5401}
              - {name: replica-b, host: db-b, serverId: 5402}
        """
            .formatted(name, bootstrap, authentication, TABLE);
    return new ObjectMapper(new YAMLFactory()).readValue(yaml, CdcPipeline.class);
  }

  /**
   * The ConfigMap's data, with the Secrets "mounted" (written where the mount root points) and the
   * two per-machine overrides of the dedup pods stand-in.
   */
  private static Map<String, String> podEnv(CdcPipeline p, String name, String password)
      throws Exception {
    Path mount = Files.createDirectories(dir.resolve(name + "-mount"));
    Files.createDirectories(mount.resolve("ca"));
    Files.createDirectories(mount.resolve("user"));
    Files.writeString(mount.resolve("ca").resolve("ca.crt"), certs.caPem());
    if (password != null) {
      Files.writeString(mount.resolve("user").resolve("password"), password);
    }
    Files.writeString(mount.resolve("user").resolve("user.crt"), client.certificatePem());
    Files.writeString(mount.resolve("user").resolve("user.key"), client.keyPem());
    Map<String, String> env = new LinkedHashMap<>();
    DedupConfig.env(p)
        .forEach((k, v) -> env.put(k, v.replace(KafkaClientSecurity.MOUNT, mount.toString())));
    env.put(DedupRuntimeEnv.STATE_DIR, dir.resolve(name + "-state").toString());
    env.put(DedupRuntimeEnv.METRICS_PORT, "0");
    return env;
  }

  private static void createTopics(CdcPipeline p) {
    for (String replica : List.of("replica-a", "replica-b")) {
      kafka.createTopic(ResourceNames.sourceTopic(p, replica, TABLE), 1);
    }
    kafka.createTopic(ResourceNames.outputTopic(p, TABLE), 1);
  }

  /** One Debezium MariaDB insert envelope (GTID 0-1-{@code seq}), as that replica's connector. */
  private static void produce(CdcPipeline p, String replica, int seq) throws Exception {
    String value =
        """
        {"before":null,"after":{"id":1,"status":"new"},\
        "source":{"version":"3.5.0.Final","connector":"mariadb","name":"%s","ts_ms":1767225600000,\
        "snapshot":"false","db":"shop","table":"orders","server_id":1,"gtid":"0-1-%d",\
        "file":"mysql-bin.000001","pos":%d,"row":0,"thread":null,"query":null},\
        "transaction":{"id":"0-1-%d","total_order":1,"data_collection_order":1},\
        "op":"c","ts_ms":1767225600017}"""
            .formatted(
                ResourceNames.sourceTopicPrefix(p, replica),
                seq,
                replica.equals("replica-a") ? 400 : 900,
                seq);
    try (KafkaProducer<String, String> producer = kafka.stringProducer()) {
      producer
          .send(
              new ProducerRecord<>(
                  ResourceNames.sourceTopic(p, replica, TABLE), "{\"id\":1}", value))
          .get();
    }
  }
}
