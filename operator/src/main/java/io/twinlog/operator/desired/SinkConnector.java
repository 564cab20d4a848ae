package io.twinlog.operator.desired;

import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.operator.api.v1alpha1.AuthType;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.Durations;
import io.twinlog.operator.api.v1alpha1.ErpAuthSpec;
import io.twinlog.operator.api.v1alpha1.ErpClientCertificateSpec;
import io.twinlog.operator.api.v1alpha1.ErpSinkSpec;
import io.twinlog.operator.api.v1alpha1.ErpTlsSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The KafkaConnector running Twinlog's ERP sink over the deduplicated output topics. */
public final class SinkConnector {
  private SinkConnector() {}

  /**
   * Key and value converter of the sink: the output records' bytes reach the connector unchanged
   * (the sink parses the Debezium JSON itself).
   */
  public static final String CONVERTER = "org.apache.kafka.connect.storage.StringConverter";

  /** The sink connector, or null when the pipeline has no {@code spec.sink}. */
  public static KafkaConnector of(CdcPipeline pipeline) {
    if (pipeline.getSpec().getSink() == null || pipeline.getSpec().getSink().getErp() == null) {
      return null;
    }
    return Connectors.connector(
        pipeline,
        ResourceNames.sinkConnector(pipeline),
        Labels.connector(pipeline, Labels.SINK),
        ErpSinkConfigKeys.CONNECTOR_CLASS,
        // Per-key order holds per partition; one task per output partition at most.
        pipeline.getSpec().getDedup().getPartitions(),
        config(pipeline));
  }

  static Map<String, Object> config(CdcPipeline pipeline) {
    ErpSinkSpec erp = pipeline.getSpec().getSink().getErp();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("topics", String.join(",", ResourceNames.outputTopics(pipeline)));
    config.put(ErpSinkConfigKeys.URL, erp.getUrl());
    config.put(ErpSinkConfigKeys.METHOD, erp.getMethod().value());
    if (!erp.getHeaders().isEmpty()) {
      config.put(
          ErpSinkConfigKeys.HEADERS,
          erp.getHeaders().entrySet().stream()
              .map(h -> h.getKey() + ":" + h.getValue())
              .collect(Collectors.joining(",")));
    }
    credentials(pipeline.getMetadata().getNamespace(), erp, config);
    config.put(ErpSinkConfigKeys.TIMEOUT_MS, Durations.toMillis(erp.getTimeout()));
    config.put(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, erp.getRetry().getMaxAttempts());
    config.put(
        ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS,
        Durations.toMillis(erp.getRetry().getInitialBackoff()));
    config.put(
        ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, Durations.toMillis(erp.getRetry().getMaxBackoff()));
    config.put(ErpSinkConfigKeys.BATCH_MAX_RECORDS, erp.getBatch().getMaxRecords());
    config.put(ErpSinkConfigKeys.BATCH_MAX_BYTES, erp.getBatch().getMaxBytes());
    config.put(ErpSinkConfigKeys.TOMBSTONES, erp.getTombstones().value());
    config.put("key.converter", CONVERTER);
    config.put("value.converter", CONVERTER);
    // Keeps the twinlog.change.id header byte-exact (the default converter parses values).
    config.put("header.converter", CONVERTER);
    // The dedup runtime writes in Kafka transactions; a read_uncommitted consumer would post
    // changes of aborted transactions (a crashed dedup pod) and post them again once re-committed.
    // Needs the worker's connector.client.config.override.policy to allow it (Kafka's default:
    // All).
    config.put("consumer.override.isolation.level", "read_committed");
    // What the ERP still rejects after the retries goes to the dead-letter topic, with the error.
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", ResourceNames.sinkDeadLetterTopic(pipeline));
    config.put("errors.deadletterqueue.context.headers.enable", true);
    return config;
  }

  /**
   * How the sink authenticates to an HTTP endpoint and verifies it ({@code auth}, {@code tls}):
   * references to Secrets that Connect's {@code secrets} provider resolves. Shared by the ERP sink
   * and the webhook delivery, which are the same connector.
   */
  public static void credentials(String namespace, ErpSinkSpec erp, Map<String, Object> config) {
    ErpAuthSpec auth = erp.getAuth();
    config.put(ErpSinkConfigKeys.AUTH_TYPE, auth.getType().value());
    if (auth.getType() == AuthType.BEARER) {
      config.put(
          ErpSinkConfigKeys.AUTH_TOKEN,
          SecretRefs.of(namespace, auth.getSecretName(), auth.getTokenKey()));
    } else if (auth.getType() == AuthType.BASIC) {
      config.put(
          ErpSinkConfigKeys.AUTH_USERNAME,
          SecretRefs.of(namespace, auth.getSecretName(), auth.getUsernameKey()));
      config.put(
          ErpSinkConfigKeys.AUTH_PASSWORD,
          SecretRefs.of(namespace, auth.getSecretName(), auth.getPasswordKey()));
    } else if (auth.getType() == AuthType.OAUTH2) {
      config.put(ErpSinkConfigKeys.AUTH_OAUTH2_TOKEN_URL, auth.getOauth2().getTokenUrl());
      config.put(
          ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_ID,
          SecretRefs.of(namespace, auth.getSecretName(), auth.getClientIdKey()));
      config.put(
          ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_SECRET,
          SecretRefs.of(namespace, auth.getSecretName(), auth.getClientSecretKey()));
      if (auth.getOauth2().getScope() != null) {
        config.put(ErpSinkConfigKeys.AUTH_OAUTH2_SCOPE, auth.getOauth2().getScope());
      }
    }
    ErpTlsSpec tls = erp.getTls();
    if (tls != null && tls.getCaSecretName() != null) {
      config.put(
          ErpSinkConfigKeys.TLS_CA_CERTIFICATES,
          SecretRefs.of(namespace, tls.getCaSecretName(), tls.getCaKey()));
    }
    if (tls != null && tls.getClientCertificate() != null) {
      ErpClientCertificateSpec client = tls.getClientCertificate();
      config.put(
          ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE,
          SecretRefs.of(namespace, client.getSecretName(), client.getCertificateKey()));
      config.put(
          ErpSinkConfigKeys.TLS_CLIENT_KEY,
          SecretRefs.of(namespace, client.getSecretName(), client.getKeyKey()));
    }
  }
}
