package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import lombok.Getter;
import lombok.Setter;

/**
 * The ERP's credentials: a Secret holding an HMAC secret or a bearer token, never inlined; or its
 * client certificate alone ({@code certificate}, with {@code spec.receiver.tls}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.secretName) || (has(self.type) && self.type == 'certificate')",
    message = "secretName is required when type is hmac or bearer")
@ValidationRule(
    value = "!has(self.type) || self.type != 'certificate' || !has(self.secretName)",
    message =
        "type certificate uses no secret: remove secretName, or use hmac or bearer to require"
            + " the secret on top of the client certificate")
@Setter
public class WebhookAuthSpec {

  @JsonPropertyDescription(
      "hmac: an HMAC-SHA256 signature over the body, with a signed timestamp and a replay window;"
          + " bearer: Authorization: Bearer <token>; certificate: the client certificate alone"
          + " (mutual TLS; needs spec.receiver.tls.clientAuth: required). Default: hmac.")
  @Default("hmac")
  private WebhookAuthType type;

  @JsonPropertyDescription(
      "Secret (in this namespace) holding the HMAC secret or the bearer token; mounted into the"
          + " receiver pods as a file. Required for hmac and bearer; not with certificate.")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String secretName;

  @JsonPropertyDescription("Key of that Secret. Default: secret.")
  @Default("secret")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String secretKey;

  @JsonPropertyDescription("Signature details when type is hmac.")
  private HmacSpec hmac;

  public WebhookAuthType getType() {
    return type == null ? WebhookAuthType.HMAC : type;
  }

  public String getSecretKey() {
    return secretKey == null ? "secret" : secretKey;
  }

  public HmacSpec getHmac() {
    return hmac == null ? new HmacSpec() : hmac;
  }
}
