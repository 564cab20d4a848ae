package io.twinlog.operator.desired;

/**
 * References to Secret values for Strimzi's {@code KubernetesSecretConfigProvider}, which the
 * KafkaConnect must register as config provider {@code secrets}; Connect resolves them, so no
 * secret value ever passes through the operator or appears in a resource.
 */
public final class SecretRefs {
  private SecretRefs() {}

  /** Name under which the KafkaConnect registers the provider ({@code config.providers}). */
  public static final String PROVIDER = "secrets";

  /** {@code ${secrets:<namespace>/<secret>:<key>}}. */
  public static String of(String namespace, String secretName, String key) {
    return "${" + PROVIDER + ":" + namespace + "/" + secretName + ":" + key + "}";
  }
}
