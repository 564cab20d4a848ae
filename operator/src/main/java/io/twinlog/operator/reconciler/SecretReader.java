package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads Secret values for the operator's own clients (preflight JDBC, Kafka reads). Values stay in
 * memory: they are never logged, put in a status, an Event or a resource; errors name the Secret
 * and key only.
 */
class SecretReader {
  private final KubernetesClient client;

  SecretReader(KubernetesClient client) {
    this.client = client;
  }

  /** The value of {@code key} in Secret {@code namespace/name}; fails with what is missing. */
  String value(String namespace, String name, String key) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException(
          "the Secret " + name + " does not exist in namespace " + namespace);
    }
    String value = decode(secret, key);
    if (value == null) {
      throw new IllegalStateException("the Secret " + name + " has no key " + key);
    }
    return value;
  }

  /**
   * The {@code resourceVersion} of each of {@code names} that exists (a missing one is left out),
   * for {@code SecretRotation}: metadata only, the values are not looked at.
   */
  Map<String, String> versions(String namespace, Collection<String> names) {
    Map<String, String> versions = new TreeMap<>();
    for (String name : names) {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret != null && secret.getMetadata().getResourceVersion() != null) {
        versions.put(name, secret.getMetadata().getResourceVersion());
      }
    }
    return versions;
  }

  /** A key of a Secret read already ({@code data} base64, or {@code stringData}), or null. */
  static String decode(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key);
    }
    return null;
  }
}
