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
 * The Kafka user the pipeline's own clients (dedup runtime, schema history, the operator's reads)
 * authenticate as: a Strimzi {@code KafkaUser} and the Secret the User Operator wrote for it.
 * References only; the values never leave the Secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type != 'scram-sha-512' || has(self.username)",
    message = "scram-sha-512 needs username (the KafkaUser's name)")
@ValidationRule(
    value = "self.type != 'tls' || has(self.secretName)",
    message = "tls needs secretName (the KafkaUser's Secret with user.crt and user.key)")
@Setter
public class KafkaAuthenticationSpec {

  @JsonPropertyDescription("scram-sha-512 or tls, as the listener's authentication type.")
  @Required
  @Getter
  private KafkaAuthType type;

  /** The user name, or null. */
  @JsonPropertyDescription("The SCRAM user name: the KafkaUser's name.")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String username;

  @JsonPropertyDescription(
      "Secret with the credentials in the pipeline's namespace. Default: the username (Strimzi"
          + " names a KafkaUser's Secret after the user).")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  private String secretName;

  @JsonPropertyDescription("Key of the SCRAM password in the Secret. Default: password.")
  @Default("password")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String passwordKey;

  @JsonPropertyDescription(
      "Key of the user's certificate (PEM) in the Secret, for tls. Default: user.crt.")
  @Default("user.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String certificateKey;

  @JsonPropertyDescription(
      "Key of the user's private key (PEM) in the Secret, for tls. Default: user.key.")
  @Default("user.key")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String keyKey;

  @JsonPropertyDescription(
      "Whether the operator creates a KafkaUser <pipeline>-dedup with exactly the ACLs the dedup"
          + " runtime needs (its topics, consumer group, transactional ids and changelog topics)"
          + " and runs the runtime as that user; Strimzi's User Operator must watch the pipeline's"
          + " namespace and the listener use simple authorization. The user above is then used"
          + " by the schema history and the operator's reads only. Default: true.")
  @Default("true")
  @Getter
  private Boolean leastPrivilege;

  /** {@link #getLeastPrivilege} with its default. */
  public boolean leastPrivilegeOn() {
    return leastPrivilege == null || leastPrivilege;
  }

  /**
   * The same authentication as another KafkaUser whose Secret Strimzi wrote (its name, the keys
   * Strimzi uses).
   */
  public KafkaAuthenticationSpec asUser(String user) {
    KafkaAuthenticationSpec other = new KafkaAuthenticationSpec();
    other.setType(type);
    other.setUsername(user);
    other.setSecretName(user);
    other.setLeastPrivilege(false);
    return other;
  }

  /** The Secret's name: as written, else the username. */
  public String getSecretName() {
    return secretName != null ? secretName : username;
  }

  public String getPasswordKey() {
    return passwordKey == null ? "password" : passwordKey;
  }

  public String getCertificateKey() {
    return certificateKey == null ? "user.crt" : certificateKey;
  }

  public String getKeyKey() {
    return keyKey == null ? "user.key" : keyKey;
  }
}
