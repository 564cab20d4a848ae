package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import java.util.List;
import lombok.Getter;
import lombok.Setter;

/**
 * HTTPS on the receiver's webhook port, and the ERP's client certificates (mutual TLS): Secrets as
 * cert-manager writes them, mounted into the receiver pods as files the receiver reads again when
 * they change (docs/concepts/security.md, "Webhook receiver").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.clientAuth) || self.clientAuth == 'none' || has(self.clientCaSecretName)",
    message = "clientCaSecretName is required when clientAuth is optional or required")
@ValidationRule(
    value =
        "(has(self.clientAuth) && self.clientAuth != 'none')"
            + " || (!has(self.clientCaSecretName) && !has(self.allowedSubjects))",
    message =
        "clientCaSecretName and allowedSubjects apply only when clientAuth is optional or"
            + " required")
@Setter
public class ReceiverTlsSpec {

  /** Most entries of {@code allowedSubjects}. */
  public static final int MAX_ALLOWED_SUBJECTS = 32;

  @JsonPropertyDescription(
      "Secret (in this namespace) holding the receiver's certificate chain and private key, such"
          + " as the kubernetes.io/tls Secret a cert-manager Certificate writes (give the"
          + " Certificate privateKey.encoding: PKCS8: the receiver refuses PKCS#1 and SEC1"
          + " keys). Mounted read-only into the receiver pods; a renewed certificate is taken up"
          + " without a restart.")
  @Required
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String secretName;

  @JsonPropertyDescription(
      "Key of the certificate chain (PEM, the receiver's certificate first). Default: tls.crt.")
  @Default("tls.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String certificateKey;

  @JsonPropertyDescription(
      "Key of the private key (unencrypted PKCS#8 PEM, BEGIN PRIVATE KEY). Default: tls.key.")
  @Default("tls.key")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String keyKey;

  @JsonPropertyDescription(
      "Client certificates: none (not asked for), optional (a certificate sent must verify; a"
          + " client without one is left to auth) or required (a client without a certificate"
          + " the CA signed fails the handshake; needed by auth.type certificate). Default: none.")
  @Default("none")
  private ReceiverClientAuth clientAuth;

  @JsonPropertyDescription(
      "Secret (in this namespace) holding the CA bundle (PEM) the ERP's client certificates must"
          + " chain to; required when clientAuth is optional or required. May be the secretName"
          + " Secret itself (cert-manager writes its issuer's CA as ca.crt).")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String clientCaSecretName;

  @JsonPropertyDescription("Key of the CA bundle in that Secret. Default: ca.crt.")
  @Default("ca.crt")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String clientCaKey;

  @JsonPropertyDescription(
      "Client certificates allowed past a verified handshake: each entry a subject DN"
          + " (CN=sap-prod,O=Acme, compared as a DN), a URI SAN (spiffe://acme/erp, exact) or a"
          + " DNS SAN (erp.acme.example, case-insensitive); a certificate matching none is"
          + " answered 403. Only with clientAuth optional or required. Default: none (every"
          + " certificate the CA signed).")
  @Size(min = 1, max = MAX_ALLOWED_SUBJECTS)
  private List<@Pattern("^[^;\\s]([^;]*[^;\\s])?$") @Size(min = 1, max = 512) String>
      allowedSubjects;

  public String getCertificateKey() {
    return certificateKey == null ? "tls.crt" : certificateKey;
  }

  public String getKeyKey() {
    return keyKey == null ? "tls.key" : keyKey;
  }

  public ReceiverClientAuth getClientAuth() {
    return clientAuth == null ? ReceiverClientAuth.NONE : clientAuth;
  }

  public String getClientCaKey() {
    return clientCaKey == null ? "ca.crt" : clientCaKey;
  }

  public List<String> getAllowedSubjects() {
    return allowedSubjects == null ? List.of() : allowedSubjects;
  }
}
