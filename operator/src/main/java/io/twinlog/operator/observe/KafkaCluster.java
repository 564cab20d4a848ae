package io.twinlog.operator.observe;

import java.util.Map;

/**
 * A Kafka cluster as the operator's own clients reach it: bootstrap servers and the client security
 * properties (secret values included, in memory only). Two pipelines with the same address but
 * other credentials get readers of their own.
 */
public record KafkaCluster(String bootstrap, Map<String, String> security) {

  public KafkaCluster {
    security = Map.copyOf(security);
  }

  /** A plain listener without authentication. */
  public static KafkaCluster plain(String bootstrap) {
    return new KafkaCluster(bootstrap, Map.of());
  }

  /** Never the properties: they hold passwords and keys. */
  @Override
  public String toString() {
    return bootstrap
        + " ("
        + security.getOrDefault("security.protocol", "PLAINTEXT")
        + (security.containsKey("sasl.mechanism") ? " " + security.get("sasl.mechanism") : "")
        + ")";
  }
}
