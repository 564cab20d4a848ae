package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the pipeline's Kafka clients authenticate, as a Strimzi {@code KafkaUser} does. */
public enum KafkaAuthType {
  /** SCRAM-SHA-512 with the password Strimzi's User Operator wrote to the user's Secret. */
  @JsonProperty("scram-sha-512")
  SCRAM_SHA_512,
  /** Mutual TLS with the user's certificate and key from its Secret. */
  @JsonProperty("tls")
  TLS;

  /** The value as written in YAML. */
  public String value() {
    try {
      return KafkaAuthType.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
