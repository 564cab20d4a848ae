package io.twinlog.operator.desired;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.KafkaAuthType;
import io.twinlog.operator.api.v1alpha1.KafkaAuthenticationSpec;
import io.twinlog.operator.api.v1alpha1.KafkaSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How every Kafka client of a pipeline reaches a secured Strimzi listener ({@code spec.kafka.tls},
 * {@code spec.kafka.authentication}): one set of client properties, whose secret values are
 * references resolved where the client runs.
 *
 * <ul>
 *   <li>the dedup runtime: the Secrets mounted as files, read by Kafka's {@code
 *       DirectoryConfigProvider} ({@code ${dir:/etc/twinlog/kafka/user:password}});
 *   <li>Debezium's schema history clients: Strimzi's {@code secrets} config provider in Connect
 *       ({@code ${secrets:ns/name:key}});
 *   <li>the operator's own reads: the values, fetched from the API server, in memory only.
 * </ul>
 *
 * <p>So no Secret value is ever in a ConfigMap, a connector config or a status.
 */
public final class KafkaClientSecurity {
  private KafkaClientSecurity() {}

  /** Where the dedup runtime's Kafka Secrets are mounted. */
  public static final String MOUNT = "/etc/twinlog/kafka";

  /** The config provider name the dedup runtime registers for the mounted Secrets. */
  public static final String DIR_PROVIDER = "dir";

  static final String CA_VOLUME = "kafka-ca";
  static final String USER_VOLUME = "kafka-user";
  private static final String SCRAM_LOGIN =
      "org.apache.kafka.common.security.scram.ScramLoginModule";

  /** Resolves the value of one key of one Secret (in the pipeline's namespace) to a string. */
  @FunctionalInterface
  public interface SecretValue {
    String of(String secretName, String key);
  }

  /** Kafka's {@code security.protocol} for the spec. */
  public static String protocol(KafkaSpec kafka) {
    boolean tls = kafka.getTls() != null;
    boolean sasl =
        kafka.getAuthentication() != null
            && kafka.getAuthentication().getType() == KafkaAuthType.SCRAM_SHA_512;
    return (sasl ? "SASL_" : "") + (tls ? "SSL" : "PLAINTEXT");
  }

  /**
   * Client properties for the spec, with each secret value produced by {@code secret}; empty for a
   * plain listener without authentication (Kafka's defaults).
   */
  public static Map<String, String> properties(CdcPipeline pipeline, SecretValue secret) {
    return properties(pipeline, pipeline.getSpec().getKafka().getAuthentication(), secret);
  }

  /**
   * The dedup runtime's authentication: its own KafkaUser's ({@link DedupKafkaUser}) when it has
   * one, else {@code spec.kafka.authentication}'s.
   */
  static KafkaAuthenticationSpec dedupAuthentication(CdcPipeline pipeline) {
    KafkaAuthenticationSpec auth = pipeline.getSpec().getKafka().getAuthentication();
    return DedupKafkaUser.wanted(pipeline)
        ? auth.asUser(ResourceNames.dedupKafkaUser(pipeline))
        : auth;
  }

  private static Map<String, String> properties(
      CdcPipeline pipeline, KafkaAuthenticationSpec auth, SecretValue secret) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    Map<String, String> props = new LinkedHashMap<>();
    String protocol = protocol(kafka);
    if (protocol.equals("PLAINTEXT")) {
      return props;
    }
    props.put("security.protocol", protocol);
    if (kafka.getTls() != null) {
      props.put("ssl.truststore.type", "PEM");
      props.put(
          "ssl.truststore.certificates",
          secret.of(ResourceNames.kafkaCaSecret(pipeline), kafka.getTls().getCaCertificateKey()));
    }
    if (auth != null && auth.getType() == KafkaAuthType.SCRAM_SHA_512) {
      props.put("sasl.mechanism", "SCRAM-SHA-512");
      props.put(
          "sasl.jaas.config",
          SCRAM_LOGIN
              + " required username=\""
              + auth.getUsername()
              + "\" password=\""
              + jaasEscaped(secret.of(auth.getSecretName(), auth.getPasswordKey()))
              + "\";");
    } else if (auth != null && auth.getType() == KafkaAuthType.TLS) {
      props.put("ssl.keystore.type", "PEM");
      props.put(
          "ssl.keystore.certificate.chain",
          secret.of(auth.getSecretName(), auth.getCertificateKey()));
      props.put("ssl.keystore.key", secret.of(auth.getSecretName(), auth.getKeyKey()));
    }
    return props;
  }

  /**
   * A value for a double-quoted JAAS option: Kafka's JAAS parser reads {@code \\} and {@code \"}
   * inside quotes, so a password holding either stays one option. A config-provider reference
   * ({@code ${dir:...}}, {@code ${secrets:...}}) has neither and is left as it is; what it resolves
   * to is put in unescaped by Kafka, so such a password must not hold them
   * (docs/concepts/security.md).
   */
  static String jaasEscaped(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** The dedup runtime's properties: the mounted files, read by Kafka's directory provider. */
  static Map<String, String> dedupRuntime(CdcPipeline pipeline) {
    Map<String, String> props =
        properties(
            pipeline,
            dedupAuthentication(pipeline),
            (secretName, key) ->
                "${"
                    + DIR_PROVIDER
                    + ":"
                    + MOUNT
                    + "/"
                    + (secretName.equals(ResourceNames.kafkaCaSecret(pipeline)) ? "ca" : "user")
                    + ":"
                    + key
                    + "}");
    if (!props.isEmpty()) {
      props.put("config.providers", DIR_PROVIDER);
      props.put(
          "config.providers." + DIR_PROVIDER + ".class",
          "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
    }
    return props;
  }

  /** The Secret volumes the dedup runtime's properties read (none for a plain listener). */
  static List<Volume> dedupVolumes(CdcPipeline pipeline) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    List<Volume> volumes = new ArrayList<>();
    if (kafka.getTls() != null) {
      volumes.add(secretVolume(CA_VOLUME, ResourceNames.kafkaCaSecret(pipeline)));
    }
    if (kafka.getAuthentication() != null) {
      volumes.add(secretVolume(USER_VOLUME, dedupAuthentication(pipeline).getSecretName()));
    }
    return volumes;
  }

  /** Where {@link #dedupVolumes} are mounted, read-only. */
  static List<VolumeMount> dedupMounts(CdcPipeline pipeline) {
    return dedupVolumes(pipeline).stream()
        .map(
            v ->
                new VolumeMountBuilder()
                    .withName(v.getName())
                    .withMountPath(MOUNT + (v.getName().equals(CA_VOLUME) ? "/ca" : "/user"))
                    .withReadOnly(true)
                    .build())
        .toList();
  }

  /**
   * Debezium's schema history producer and consumer settings ({@code
   * schema.history.internal.producer.*}, {@code .consumer.*}), through Connect's secrets provider.
   */
  static Map<String, Object> schemaHistory(CdcPipeline pipeline) {
    String namespace = pipeline.getMetadata().getNamespace();
    Map<String, String> props =
        properties(pipeline, (secretName, key) -> SecretRefs.of(namespace, secretName, key));
    Map<String, Object> config = new LinkedHashMap<>();
    for (String client : List.of("producer", "consumer")) {
      props.forEach((k, v) -> config.put("schema.history.internal." + client + "." + k, v));
    }
    return config;
  }

  private static Volume secretVolume(String name, String secretName) {
    return new VolumeBuilder()
        .withName(name)
        .withNewSecret()
        .withSecretName(secretName)
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }
}
