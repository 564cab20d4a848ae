package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/**
 * TLS to the ERP beyond the JVM's defaults: the CA (PEM, in a Secret) the ERP's certificate is
 * verified against, and the client certificate for mutual TLS.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.caSecretName) || has(self.clientCertificate)",
    message = "set caSecretName, clientCertificate or both")
@Setter
public class ErpTlsSpec {

  @JsonPropertyDescription(
      "Secret in the pipeline's namespace holding the CA certificates (PEM). The sink reads it"
          + " through Strimzi's secrets config provider: nothing to mount into Connect. Absent:"
          + " the JVM's trusted CAs.")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String caSecretName;

  @JsonPropertyDescription("Key of the CA certificates in the Secret. Default: ca.crt.")
  @Default("ca.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String caKey;

  @JsonPropertyDescription(
      "The client certificate and key the sink presents (mutual TLS), from a Secret; read through"
          + " Strimzi's secrets config provider and kept in memory.")
  @Getter
  private ErpClientCertificateSpec clientCertificate;

  public String getCaKey() {
    return caKey == null ? "ca.crt" : caKey;
  }
}
