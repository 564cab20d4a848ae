package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/**
 * The client certificate the sink presents to the ERP (mutual TLS): a Secret as cert-manager's
 * {@code kubernetes.io/tls} Secrets hold it. The sink reads both through Strimzi's secrets config
 * provider and keeps them in memory.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class ErpClientCertificateSpec {

  @JsonPropertyDescription("Secret in the pipeline's namespace holding the certificate and key.")
  @Required
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String secretName;

  @JsonPropertyDescription(
      "Key of the certificate chain (PEM, the client's certificate first). Default: tls.crt.")
  @Default("tls.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String certificateKey;

  @JsonPropertyDescription(
      "Key of the private key (unencrypted PKCS#8 PEM, BEGIN PRIVATE KEY; cert-manager writes it"
          + " with privateKey.encoding: PKCS8). Default: tls.key.")
  @Default("tls.key")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String keyKey;

  public String getCertificateKey() {
    return certificateKey == null ? "tls.crt" : certificateKey;
  }

  public String getKeyKey() {
    return keyKey == null ? "tls.key" : keyKey;
  }
}
