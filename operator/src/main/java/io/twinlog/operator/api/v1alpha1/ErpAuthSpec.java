package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** A reference to the Secret with the ERP credentials (never the values). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class ErpAuthSpec {

  @JsonPropertyDescription(
      "none, bearer (a token), basic (user name and password) or oauth2 (client credentials: a"
          + " token from oauth2.tokenUrl, cached until shortly before it expires). Default: none.")
  @Default("none")
  private AuthType type;

  /** The Secret's name, or null. */
  @JsonPropertyDescription(
      "Secret in the pipeline's namespace holding the credentials; required unless type is"
          + " none. The sink connector reads it through Strimzi's secrets config provider.")
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String secretName;

  @JsonPropertyDescription("Key of the bearer token in the Secret. Default: token.")
  @Default("token")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String tokenKey;

  @JsonPropertyDescription("Key of the basic-auth user name in the Secret. Default: username.")
  @Default("username")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String usernameKey;

  @JsonPropertyDescription("Key of the basic-auth password in the Secret. Default: password.")
  @Default("password")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String passwordKey;

  @JsonPropertyDescription("Key of the OAuth2 client id in the Secret. Default: clientId.")
  @Default("clientId")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String clientIdKey;

  @JsonPropertyDescription("Key of the OAuth2 client secret in the Secret. Default: clientSecret.")
  @Default("clientSecret")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String clientSecretKey;

  /** The authorization server as written, or null. */
  @JsonPropertyDescription("The OAuth2 authorization server, for type oauth2.")
  @Getter
  private OAuth2Spec oauth2;

  public String getClientIdKey() {
    return clientIdKey == null ? "clientId" : clientIdKey;
  }

  public String getClientSecretKey() {
    return clientSecretKey == null ? "clientSecret" : clientSecretKey;
  }

  public AuthType getType() {
    return type == null ? AuthType.NONE : type;
  }

  public String getTokenKey() {
    return tokenKey == null ? "token" : tokenKey;
  }

  public String getUsernameKey() {
    return usernameKey == null ? "username" : usernameKey;
  }

  public String getPasswordKey() {
    return passwordKey == null ? "password" : passwordKey;
  }
}
