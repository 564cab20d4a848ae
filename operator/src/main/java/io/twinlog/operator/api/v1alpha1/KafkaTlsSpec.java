package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** TLS to the Kafka listener: which CA certificate the clients trust. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class KafkaTlsSpec {

  /** The Secret's name as written in the spec, or null (see {@code ResourceNames}). */
  @JsonPropertyDescription(
      "Secret holding the CA certificate (PEM) the listener's certificate is verified against."
          + " Default: <cluster>-cluster-ca-cert, the cluster CA Secret Strimzi writes.")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String caSecretName;

  @JsonPropertyDescription("Key of the CA certificate in that Secret. Default: ca.crt.")
  @Default("ca.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String caCertificateKey;

  public String getCaCertificateKey() {
    return caCertificateKey == null ? "ca.crt" : caCertificateKey;
  }
}
