package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.KafkaAuthType;
import io.twinlog.operator.api.v1alpha1.KafkaAuthenticationSpec;
import io.twinlog.operator.api.v1alpha1.KafkaTlsSpec;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientSecurityTest {

  private static CdcPipeline scramOverTls() {
    return TestPipelines.scramOverTls(TestPipelines.minimal());
  }

  @Test
  void aPlainListenerAddsNothing() {
    CdcPipeline p = TestPipelines.minimal();
    assertThat(KafkaClientSecurity.protocol(p.getSpec().getKafka())).isEqualTo("PLAINTEXT");
    assertThat(KafkaClientSecurity.properties(p, (s, k) -> "x")).isEmpty();
    assertThat(KafkaClientSecurity.dedupVolumes(p)).isEmpty();
    assertThat(KafkaClientSecurity.schemaHistory(p)).isEmpty();
    assertThat(ResourceNames.bootstrapServers(p)).isEqualTo("main-kafka-bootstrap:9092");
  }

  /**
   * The operator's own clients get the password itself inside the JAAS string: quotes and
   * backslashes in it are escaped, so Kafka's JAAS parser reads back exactly the password.
   */
  @Test
  void aPasswordWithQuotesAndBackslashesIsReadBackExactlyByKafkasJaasParser() throws Exception {
    String password = "pa\"ss\\w;rd\\\"";
    String jaas =
        KafkaClientSecurity.properties(scramOverTls(), (secret, key) -> password)
            .get("sasl.jaas.config");
    javax.security.auth.login.AppConfigurationEntry[] entries =
        org.apache.kafka.common.security.JaasContext.loadClientContext(
                Map.of("sasl.jaas.config", new org.apache.kafka.common.config.types.Password(jaas)))
            .configurationEntries()
            .toArray(javax.security.auth.login.AppConfigurationEntry[]::new);
    assertThat(entries).hasSize(1);
    assertThat(Map.<String, Object>copyOf(entries[0].getOptions()))
        .containsEntry("username", "twinlog-orders")
        .containsEntry("password", password);
    assertThat(KafkaClientSecurity.jaasEscaped("${dir:/etc/twinlog/kafka/user:password}"))
        .as("a config-provider reference is left as it is")
        .isEqualTo("${dir:/etc/twinlog/kafka/user:password}");
  }

  @Test
  void scramOverTlsTheStrimziWay() {
    CdcPipeline p = scramOverTls();
    assertThat(KafkaClientSecurity.protocol(p.getSpec().getKafka())).isEqualTo("SASL_SSL");
    assertThat(ResourceNames.bootstrapServers(p)).isEqualTo("main-kafka-bootstrap:9093");
    assertThat(ResourceNames.kafkaCaSecret(p)).isEqualTo("main-cluster-ca-cert");

    // the operator's own clients: the values themselves, in memory
    Map<String, String> inline =
        KafkaClientSecurity.properties(p, (secret, key) -> "<" + secret + "/" + key + ">");
    assertThat(inline)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.certificates", "<main-cluster-ca-cert/ca.crt>")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"twinlog-orders\" password=\"<twinlog-orders/password>\";");

    // the dedup runtime: the ConfigMap names mounted files, the Deployment mounts the Secrets
    Map<String, String> env = DedupConfig.env(p);
    assertThat(env)
        .containsEntry("TWINLOG_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
        .containsEntry(
            "TWINLOG_KAFKA_SSL_TRUSTSTORE_CERTIFICATES", "${dir:/etc/twinlog/kafka/ca:ca.crt}")
        .containsEntry("TWINLOG_KAFKA_CONFIG_PROVIDERS", "dir")
        .containsEntry(
            "TWINLOG_KAFKA_CONFIG_PROVIDERS_DIR_CLASS",
            "org.apache.kafka.common.config.provider.DirectoryConfigProvider")
        .containsEntry(
            "TWINLOG_KAFKA_SASL_JAAS_CONFIG",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"orders-dedup\" password=\"${dir:/etc/twinlog/kafka/user:password}\";")
        .containsEntry("TWINLOG_BOOTSTRAP_SERVERS", "main-kafka-bootstrap:9093");
    PodSpec pod =
        DedupWorkload.deployment(p, DedupConfig.configMap(p), null, null)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getName() + "=" + v.getSecret().getSecretName())
        .containsExactly("kafka-ca=main-cluster-ca-cert", "kafka-user=orders-dedup");
    Container c = pod.getContainers().get(0);
    assertThat(c.getVolumeMounts())
        .filteredOn(m -> Boolean.TRUE.equals(m.getReadOnly()))
        .extracting(m -> m.getName() + "@" + m.getMountPath())
        .containsExactly("kafka-ca@/etc/twinlog/kafka/ca", "kafka-user@/etc/twinlog/kafka/user");

    // Debezium's schema history clients: Connect's secrets provider
    assertThat(SourceConnectors.of(p).get(0).getSpec().getConfig())
        .containsEntry(
            "schema.history.internal.kafka.bootstrap.servers", "main-kafka-bootstrap:9093")
        .containsEntry("schema.history.internal.producer.security.protocol", "SASL_SSL")
        .containsEntry("schema.history.internal.consumer.security.protocol", "SASL_SSL")
        .containsEntry(
            "schema.history.internal.consumer.ssl.truststore.certificates",
            "${secrets:shop/main-cluster-ca-cert:ca.crt}")
        .containsEntry(
            "schema.history.internal.producer.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"twinlog-orders\" password=\"${secrets:shop/twinlog-orders:password}\";");
  }

  @Test
  void theDedupRuntimeGetsAKafkaUserWithExactlyItsAcls() {
    CdcPipeline p = scramOverTls();
    KafkaUser user = DedupKafkaUser.of(p);
    assertThat(user.getMetadata().getName()).isEqualTo("orders-dedup");
    assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "main");
    assertThat(user.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
    assertThat(((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls())
        .extracting(
            a -> a.getResource().getType() + ":" + name(a.getResource()) + ":" + a.getOperations())
        .containsExactly(
            "topic:shop.orders.replica-a.:[READ, DESCRIBE]",
            "topic:__debezium-heartbeat.shop.orders.replica-a:[READ, DESCRIBE]",
            "topic:shop.orders.replica-b.:[READ, DESCRIBE]",
            "topic:__debezium-heartbeat.shop.orders.replica-b:[READ, DESCRIBE]",
            "topic:shop.orders.cdc.:[WRITE, DESCRIBE]",
            "topic:shop.orders.dedup-dlq:[WRITE, DESCRIBE]",
            "topic:shop.orders.dedup-anomalies:[WRITE, DESCRIBE]",
            "topic:shop.orders.dedup-:[CREATE, READ, WRITE, DESCRIBE, DESCRIBECONFIGS]",
            "group:shop.orders.dedup:[READ]",
            "transactionalId:shop.orders.dedup:[WRITE, DESCRIBE]");
    assertThat(DesiredResources.of(p).kafkaUsers()).containsExactly(user);

    // turned off: the dedup runtime runs as the spec's user, and no KafkaUser is made
    p.getSpec().getKafka().getAuthentication().setLeastPrivilege(false);
    assertThat(DedupKafkaUser.of(p)).isNull();
    assertThat(DesiredResources.of(p).kafkaUsers()).isEmpty();
    assertThat(DedupConfig.env(p).get("TWINLOG_KAFKA_SASL_JAAS_CONFIG"))
        .contains("username=\"twinlog-orders\"");
    // and a plain cluster has no user at all
    assertThat(DedupKafkaUser.of(TestPipelines.minimal())).isNull();
  }

  private static String name(AclRuleResource resource) {
    return switch (resource) {
      case AclRuleTopicResource t -> t.getName();
      case AclRuleGroupResource g -> g.getName();
      case AclRuleTransactionalIdResource x -> x.getName();
      default -> "?";
    };
  }

  @Test
  void mutualTlsUsesTheUsersCertificateAndKey() {
    CdcPipeline p = TestPipelines.minimal();
    p.getSpec().getKafka().setTls(new KafkaTlsSpec());
    KafkaAuthenticationSpec auth = new KafkaAuthenticationSpec();
    auth.setType(KafkaAuthType.TLS);
    auth.setSecretName("twinlog-orders");
    p.getSpec().getKafka().setAuthentication(auth);
    assertThat(KafkaClientSecurity.properties(p, (secret, key) -> secret + ":" + key))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.type", "PEM")
        .containsEntry("ssl.keystore.certificate.chain", "twinlog-orders:user.crt")
        .containsEntry("ssl.keystore.key", "twinlog-orders:user.key")
        .doesNotContainKey("sasl.jaas.config");
  }
}
