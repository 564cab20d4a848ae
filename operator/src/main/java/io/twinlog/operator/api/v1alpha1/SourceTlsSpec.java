package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/**
 * TLS to the source replicas. The CA Secret's default keys are those of a Strimzi CA Secret ({@code
 * ca.crt}, {@code ca.p12}, {@code ca.password}), which cert-manager can write too. Debezium's MySQL
 * and MariaDB connectors read a trust store file only, so for them the Secret is mounted into the
 * Connect pods (docs/concepts/security.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(self.mode in ['verify-ca', 'verify-full']) || has(self.caSecretName)",
    message = "verify-ca and verify-full check the replicas' certificates: set caSecretName",
    fieldPath = ".caSecretName")
@Setter
public class SourceTlsSpec {

  /** Where the Connect pods mount the CA Secret when the spec does not say. */
  public static final String CONNECT_MOUNT_ROOT = "/mnt/";

  @JsonPropertyDescription(
      "disabled (plain TCP), required (encrypted, the certificate is not checked), verify-ca (it"
          + " must chain to the CA) or verify-full (and name the replica's host).")
  @Required
  @Getter
  private SourceTlsMode mode;

  @JsonPropertyDescription(
      "Secret in the pipeline's namespace with the CA the replicas' certificates chain to:"
          + " required for verify-ca and verify-full. The operator's checks and the PostgreSQL"
          + " connectors read its PEM (caKey) through the API and Strimzi's secrets config"
          + " provider; the MySQL and MariaDB connectors read its PKCS12 trust store"
          + " (trustStoreKey) from where the KafkaConnect mounts the Secret (connectMountPath).")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String caSecretName;

  @JsonPropertyDescription("Key of the CA certificate (PEM) in the Secret. Default: ca.crt.")
  @Default("ca.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String caKey;

  @JsonPropertyDescription(
      "MySQL and MariaDB: key of the PKCS12 trust store holding the CA in the Secret. Default:"
          + " ca.p12.")
  @Default("ca.p12")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String trustStoreKey;

  @JsonPropertyDescription(
      "MySQL and MariaDB: key of the trust store's password in the Secret. Default: ca.password.")
  @Default("ca.password")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String trustStorePasswordKey;

  @JsonPropertyDescription(
      "MySQL and MariaDB: the directory where the KafkaConnect mounts the CA Secret"
          + " (spec.template.pod.volumes and spec.template.connectContainer.volumeMounts)."
          + " Default /mnt/<caSecretName>.")
  @Pattern("^/[^,]*$")
  @Size(min = 2, max = 1024)
  @Getter
  private String connectMountPath;

  public String getCaKey() {
    return caKey == null ? "ca.crt" : caKey;
  }

  public String getTrustStoreKey() {
    return trustStoreKey == null ? "ca.p12" : trustStoreKey;
  }

  public String getTrustStorePasswordKey() {
    return trustStorePasswordKey == null ? "ca.password" : trustStorePasswordKey;
  }

  /** The trust store file in the Connect pods: {@code connectMountPath/trustStoreKey}. */
  public String connectTrustStorePath() {
    String dir = connectMountPath == null ? CONNECT_MOUNT_ROOT + caSecretName : connectMountPath;
    return (dir.endsWith("/") ? dir : dir + "/") + getTrustStoreKey();
  }
}
