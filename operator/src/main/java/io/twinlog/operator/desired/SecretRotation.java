package io.twinlog.operator.desired;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.twinlog.operator.api.v1alpha1.AuthType;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ErpSinkSpec;
import io.twinlog.operator.health.RestartAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Secret rotation. Kafka clients, Debezium and the ERP sink read their credentials once, when they
 * start: a changed Secret takes effect only after a restart. So each workload carries a hash of the
 * versions of the Secrets it reads; a new version changes the dedup pod template (the pods roll)
 * and makes the operator ask Strimzi to restart the connector once.
 */
public final class SecretRotation {
  private SecretRotation() {}

  /** The hash of the versions of the Secrets a workload reads. */
  public static final String SECRETS_HASH_ANNOTATION = "twinlog.io/secrets-hash";

  /** The Secrets the dedup pods mount (Kafka CA, Kafka user). */
  public static Set<String> dedupSecrets(CdcPipeline pipeline) {
    Set<String> names = new LinkedHashSet<>();
    KafkaClientSecurity.dedupVolumes(pipeline)
        .forEach(v -> names.add(v.getSecret().getSecretName()));
    return names;
  }

  /**
   * The Secrets a source connector reads: the database credentials and CA, and for its schema
   * history the Kafka CA and {@code spec.kafka.authentication}'s user.
   */
  public static Set<String> sourceSecrets(CdcPipeline pipeline) {
    Set<String> names = new LinkedHashSet<>();
    var source = pipeline.getSpec().getSource();
    names.add(source.getCredentials().getSecretName());
    if (source.getTls() != null && source.getTls().getCaSecretName() != null) {
      // A renewed CA or trust store is read at the connector's next start only.
      names.add(source.getTls().getCaSecretName());
    }
    var kafka = pipeline.getSpec().getKafka();
    if (kafka.getTls() != null) {
      names.add(ResourceNames.kafkaCaSecret(pipeline));
    }
    if (kafka.getAuthentication() != null) {
      names.add(kafka.getAuthentication().getSecretName());
    }
    return names;
  }

  /** The Secrets the sink connector reads (the ERP credentials, CA and client certificate). */
  public static Set<String> sinkSecrets(CdcPipeline pipeline) {
    var sink = pipeline.getSpec().getSink();
    if (sink == null || sink.getErp() == null) {
      return new LinkedHashSet<>();
    }
    return erpSecrets(sink.getErp());
  }

  /**
   * The Secrets an ERP sink reads (credentials, CA, client certificate): a pipeline's {@code
   * spec.sink.erp} or an ErpWebhook's {@code spec.delivery}.
   */
  public static Set<String> erpSecrets(ErpSinkSpec erp) {
    Set<String> names = new LinkedHashSet<>();
    var auth = erp.getAuth();
    if (auth != null && auth.getType() != AuthType.NONE && auth.getSecretName() != null) {
      names.add(auth.getSecretName());
    }
    var tls = erp.getTls();
    if (tls != null && tls.getCaSecretName() != null) {
      names.add(tls.getCaSecretName());
    }
    if (tls != null && tls.getClientCertificate() != null) {
      names.add(tls.getClientCertificate().getSecretName());
    }
    return names;
  }

  /** Every Secret the pipeline's workloads read, whose versions the reconciler looks up. */
  public static Set<String> all(CdcPipeline pipeline) {
    Set<String> names = new LinkedHashSet<>(sourceSecrets(pipeline));
    names.addAll(sinkSecrets(pipeline));
    return names;
  }

  /**
   * The hash of {@code names}' versions (a missing Secret has version {@code ""}), or null when no
   * versions were looked up (then nothing is annotated).
   */
  static String hash(Set<String> names, Map<String, String> versions) {
    if (versions.isEmpty() || names.isEmpty()) {
      return null;
    }
    Map<String, String> mine = new TreeMap<>();
    names.forEach(n -> mine.put(n, versions.getOrDefault(n, "")));
    return ResourceNames.sha256Hex(
        mine.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n")));
  }

  static void annotate(ObjectMeta metadata, String hash) {
    if (hash == null) {
      return;
    }
    if (metadata.getAnnotations() == null) {
      metadata.setAnnotations(new LinkedHashMap<>());
    }
    metadata.getAnnotations().put(SECRETS_HASH_ANNOTATION, hash);
  }

  /**
   * The connectors to restart because a Secret they read changed since they were applied: those
   * whose applied hash differs from the desired one. Each gets Strimzi's restart annotation in
   * {@code desired} (applied once: annotations are merged, and the next desired state does not
   * carry it). A connector applied before it had a hash is not restarted.
   */
  public static List<String> restartRotated(
      List<KafkaConnector> desired, Map<String, KafkaConnector> applied) {
    List<String> restarted = new ArrayList<>();
    for (KafkaConnector want : desired) {
      KafkaConnector have = applied.get(want.getMetadata().getName());
      String wanted =
          want.getMetadata().getAnnotations() == null
              ? null
              : want.getMetadata().getAnnotations().get(SECRETS_HASH_ANNOTATION);
      String had =
          have == null || have.getMetadata().getAnnotations() == null
              ? null
              : have.getMetadata().getAnnotations().get(SECRETS_HASH_ANNOTATION);
      if (wanted != null && had != null && !wanted.equals(had)) {
        want.getMetadata().getAnnotations().put(RestartAnnotations.RESTART, "true");
        restarted.add(want.getMetadata().getName());
      }
    }
    return restarted;
  }
}
