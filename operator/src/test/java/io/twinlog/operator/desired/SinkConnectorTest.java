package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.operator.api.v1alpha1.AuthType;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ErpClientCertificateSpec;
import io.twinlog.operator.api.v1alpha1.ErpTlsSpec;
import io.twinlog.operator.api.v1alpha1.OAuth2Spec;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import org.junit.jupiter.api.Test;

class SinkConnectorTest {

  @Test
  void sinkReadsTheOutputTopicsAndDeadLettersFailures() {
    CdcPipeline p = TestPipelines.full();
    KafkaConnector sink = SinkConnector.of(p);
    assertThat(sink.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
    assertThat(sink.getMetadata().getName()).isEqualTo("orders-sink");
    assertThat(sink.getSpec().getClassName()).isEqualTo(ErpSinkConfigKeys.CONNECTOR_CLASS);
    assertThat(sink.getSpec().getTasksMax()).isEqualTo(6);
    assertThat(sink.getSpec().getAutoRestart().isEnabled()).isFalse();
    assertThat(sink.getSpec().getConfig())
        .contains(
            entry("topics", "cdc.shop.shop.orders,cdc.shop.billing.Invoice_Lines"),
            entry(ErpSinkConfigKeys.URL, "https://erp.internal/api/cdc"),
            entry(ErpSinkConfigKeys.METHOD, "PUT"),
            entry(ErpSinkConfigKeys.HEADERS, "X-Tenant:shop"),
            entry(ErpSinkConfigKeys.AUTH_TYPE, "basic"),
            entry(ErpSinkConfigKeys.AUTH_USERNAME, "${secrets:shop/erp-credentials:user}"),
            entry(ErpSinkConfigKeys.AUTH_PASSWORD, "${secrets:shop/erp-credentials:pass}"),
            entry(ErpSinkConfigKeys.TIMEOUT_MS, 10_000L),
            entry(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, 5),
            entry(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, 500L),
            entry(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, 60_000L),
            entry(ErpSinkConfigKeys.BATCH_MAX_RECORDS, 50),
            entry(ErpSinkConfigKeys.BATCH_MAX_BYTES, 2_097_152),
            entry(ErpSinkConfigKeys.TOMBSTONES, "delete"),
            entry("key.converter", SinkConnector.CONVERTER),
            entry("value.converter", SinkConnector.CONVERTER),
            entry("header.converter", SinkConnector.CONVERTER),
            entry("consumer.override.isolation.level", "read_committed"),
            entry("errors.tolerance", "all"),
            entry("errors.deadletterqueue.topic.name", "erp-dead-letters"),
            entry("errors.deadletterqueue.context.headers.enable", true))
        .doesNotContainKeys(
            ErpSinkConfigKeys.AUTH_TOKEN, "errors.deadletterqueue.topic.replication.factor");
  }

  @Test
  void defaultsAndBearerAuth() {
    CdcPipeline p = TestPipelines.full();
    p.getSpec().getSink().getErp().setAuth(null);
    p.getSpec().getSink().getErp().setHeaders(null);
    assertThat(SinkConnector.of(p).getSpec().getConfig())
        .containsEntry(ErpSinkConfigKeys.AUTH_TYPE, "none")
        .doesNotContainKeys(
            ErpSinkConfigKeys.HEADERS,
            ErpSinkConfigKeys.AUTH_TOKEN,
            ErpSinkConfigKeys.AUTH_USERNAME,
            ErpSinkConfigKeys.AUTH_PASSWORD);

    var auth = p.getSpec().getSink().getErp().getAuth();
    auth.setType(AuthType.BEARER);
    auth.setSecretName("erp-token");
    p.getSpec().getSink().getErp().setAuth(auth);
    assertThat(SinkConnector.of(p).getSpec().getConfig())
        .containsEntry(ErpSinkConfigKeys.AUTH_TOKEN, "${secrets:shop/erp-token:token}");
  }

  @Test
  void oauth2ClientCredentialsAreSecretReferences() {
    CdcPipeline p = TestPipelines.full();
    var auth = p.getSpec().getSink().getErp().getAuth();
    auth.setType(AuthType.OAUTH2);
    auth.setSecretName("erp-oauth");
    OAuth2Spec oauth2 = new OAuth2Spec();
    oauth2.setTokenUrl("https://login.erp.example/oauth2/token");
    oauth2.setScope("cdc.write");
    auth.setOauth2(oauth2);
    assertThat(SinkConnector.of(p).getSpec().getConfig())
        .containsEntry(ErpSinkConfigKeys.AUTH_TYPE, "oauth2")
        .containsEntry(
            ErpSinkConfigKeys.AUTH_OAUTH2_TOKEN_URL, "https://login.erp.example/oauth2/token")
        .containsEntry(
            ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_ID, "${secrets:shop/erp-oauth:clientId}")
        .containsEntry(
            ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_SECRET, "${secrets:shop/erp-oauth:clientSecret}")
        .containsEntry(ErpSinkConfigKeys.AUTH_OAUTH2_SCOPE, "cdc.write")
        .doesNotContainKeys(ErpSinkConfigKeys.AUTH_TOKEN, ErpSinkConfigKeys.AUTH_PASSWORD);
  }

  @Test
  void theErpsCaComesFromASecretThroughConnectsProvider() {
    CdcPipeline p = TestPipelines.full();
    ErpTlsSpec tls = new ErpTlsSpec();
    tls.setCaSecretName("erp-ca");
    p.getSpec().getSink().getErp().setTls(tls);
    assertThat(SinkConnector.of(p).getSpec().getConfig())
        .containsEntry(ErpSinkConfigKeys.TLS_CA_CERTIFICATES, "${secrets:shop/erp-ca:ca.crt}");
    assertThat(SecretRotation.sinkSecrets(p)).containsExactly("erp-credentials", "erp-ca");
  }

  @Test
  void aClientCertificateForMutualTlsComesFromASecretThroughConnectsProvider() {
    CdcPipeline p = TestPipelines.full();
    ErpClientCertificateSpec client = new ErpClientCertificateSpec();
    client.setSecretName("erp-client");
    ErpTlsSpec tls = new ErpTlsSpec();
    tls.setClientCertificate(client);
    p.getSpec().getSink().getErp().setTls(tls);
    assertThat(SinkConnector.of(p).getSpec().getConfig())
        .containsEntry(
            ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE, "${secrets:shop/erp-client:tls.crt}")
        .containsEntry(ErpSinkConfigKeys.TLS_CLIENT_KEY, "${secrets:shop/erp-client:tls.key}")
        // no CA given: the JVM's trusted CAs verify the ERP
        .doesNotContainKey(ErpSinkConfigKeys.TLS_CA_CERTIFICATES);
    assertThat(SecretRotation.sinkSecrets(p)).containsExactly("erp-credentials", "erp-client");
  }

  @Test
  void noSinkWithoutSpecSink() {
    CdcPipeline p = TestPipelines.minimal();
    assertThat(SinkConnector.of(p)).isNull();
  }
}
