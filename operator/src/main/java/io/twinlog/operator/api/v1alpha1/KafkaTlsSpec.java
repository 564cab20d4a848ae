package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** TLS to the Kafka listener: which CA certificate the clients trust. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaTlsSpec {

  @JsonPropertyDescription(
      "Secret holding the CA certificate (PEM) the listener's certificate is verified against."
          + " Default: <cluster>-cluster-ca-cert, the cluster CA Secret Strimzi writes.")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  private String caSecretName;

  @JsonPropertyDescription("Key of the CA certificate in that Secret.")
  @Default("ca.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String caCertificateKey;

  /** The Secret's name as written in the spec, or null (see {@code ResourceNames}). */
  public String getCaSecretName() {
    return caSecretName;
  }

  public void setCaSecretName(String caSecretName) {
    this.caSecretName = caSecretName;
  }

  public String getCaCertificateKey() {
    return caCertificateKey == null ? "ca.crt" : caCertificateKey;
  }

  public void setCaCertificateKey(String caCertificateKey) {
    this.caCertificateKey = caCertificateKey;
  }
}
