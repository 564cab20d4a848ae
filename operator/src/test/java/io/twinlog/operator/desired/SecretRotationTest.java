package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import io.twinlog.operator.health.RestartAnnotations;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SecretRotationTest {

  private static CdcPipeline secured() {
    return TestPipelines.scramOverTls(TestPipelines.full());
  }

  private static Map<String, String> versions(String db, String kafkaUser, String erp) {
    Map<String, String> v = new HashMap<>();
    v.put("cdc-db", db);
    v.put("main-cluster-ca-cert", "7");
    v.put("twinlog-orders", kafkaUser);
    v.put("orders-dedup", kafkaUser);
    v.put("erp-credentials", erp);
    return v;
  }

  private static String podHash(DesiredResources d) {
    return d.dedup()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(SecretRotation.SECRETS_HASH_ANNOTATION);
  }

  private static Map<String, KafkaConnector> byName(DesiredResources d) {
    return d.connectors().stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
  }

  @Test
  void eachWorkloadHashesTheSecretsItReads() {
    CdcPipeline p = secured();
    // the dedup runtime runs as its own least-privilege KafkaUser; the connectors as the spec's
    assertThat(SecretRotation.dedupSecrets(p))
        .containsExactly("main-cluster-ca-cert", "orders-dedup");
    assertThat(SecretRotation.sourceSecrets(p))
        .containsExactly("cdc-db", "main-cluster-ca-cert", "twinlog-orders");
    assertThat(SecretRotation.sinkSecrets(p)).containsExactly("erp-credentials");
    // Debezium reads the database CA (trust store or PEM) when a task starts.
    var tls = new io.twinlog.operator.api.v1alpha1.SourceTlsSpec();
    tls.setMode(io.twinlog.operator.api.v1alpha1.SourceTlsMode.VERIFY_FULL);
    tls.setCaSecretName("db-ca");
    p.getSpec().getSource().setTls(tls);
    assertThat(SecretRotation.sourceSecrets(p))
        .containsExactly("cdc-db", "db-ca", "main-cluster-ca-cert", "twinlog-orders");

    DesiredResources v1 = DesiredResources.of(p, null, null, versions("1", "1", "1"));
    DesiredResources dbRotated = DesiredResources.of(p, null, null, versions("2", "1", "1"));
    DesiredResources userRotated = DesiredResources.of(p, null, null, versions("1", "2", "1"));
    // the database password is read by the connectors only: the dedup pods do not roll
    assertThat(podHash(dbRotated)).isNotNull().isEqualTo(podHash(v1));
    assertThat(podHash(userRotated)).isNotEqualTo(podHash(v1));
    // without looked-up versions (tests, benchmarks) nothing is annotated
    assertThat(
            DesiredResources.of(p).dedup().getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey(SecretRotation.SECRETS_HASH_ANNOTATION);
    // a plain pipeline's dedup pods read no Secret
    assertThat(
            podHash(
                DesiredResources.of(TestPipelines.minimal(), null, null, versions("1", "1", "1"))))
        .isNull();
  }

  @Test
  void aRotatedSecretRestartsOnlyTheConnectorsThatReadItOnce() {
    CdcPipeline p = secured();
    Map<String, KafkaConnector> applied =
        byName(DesiredResources.of(p, null, null, versions("1", "1", "1")));

    DesiredResources erpRotated = DesiredResources.of(p, null, null, versions("1", "1", "2"));
    assertThat(SecretRotation.restartRotated(erpRotated.connectors(), applied))
        .containsExactly("orders-sink");
    assertThat(erpRotated.sinkConnector().getMetadata().getAnnotations())
        .containsEntry(RestartAnnotations.RESTART, "true");
    assertThat(erpRotated.sourceConnectors())
        .allSatisfy(
            c ->
                assertThat(c.getMetadata().getAnnotations())
                    .doesNotContainKey(RestartAnnotations.RESTART));

    DesiredResources dbRotated = DesiredResources.of(p, null, null, versions("2", "1", "1"));
    assertThat(SecretRotation.restartRotated(dbRotated.connectors(), applied))
        .containsExactly(
            "orders-source-replica-a", "orders-source-replica-b", "orders-source-replica-c");

    // once applied with the new hash, the next reconciliation asks for nothing more
    Map<String, KafkaConnector> afterRotation = byName(dbRotated);
    DesiredResources next = DesiredResources.of(p, null, null, versions("2", "1", "1"));
    assertThat(SecretRotation.restartRotated(next.connectors(), afterRotation)).isEmpty();
    assertThat(next.sourceConnectors())
        .allSatisfy(
            c ->
                assertThat(c.getMetadata().getAnnotations())
                    .doesNotContainKey(RestartAnnotations.RESTART));

    // a connector applied before hashes existed (an upgrade) is not restarted
    Map<String, KafkaConnector> legacy = byName(DesiredResources.of(p));
    assertThat(SecretRotation.restartRotated(dbRotated.connectors(), legacy)).isEmpty();
  }
}
