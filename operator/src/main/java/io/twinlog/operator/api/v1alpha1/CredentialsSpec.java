package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** A reference to the Secret with the database user's credentials (never the values). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class CredentialsSpec {

  @JsonPropertyDescription("Name of the Secret in the pipeline's namespace.")
  @Required
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  @Getter
  private String secretName;

  @JsonPropertyDescription("Key of the user name in the Secret. Default: username.")
  @Default("username")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String usernameKey;

  @JsonPropertyDescription("Key of the password in the Secret. Default: password.")
  @Default("password")
  @Pattern(ApiPatterns.SECRET_KEY)
  @Size(min = 1, max = 253)
  private String passwordKey;

  public String getUsernameKey() {
    return usernameKey == null ? "username" : usernameKey;
  }

  public String getPasswordKey() {
    return passwordKey == null ? "password" : passwordKey;
  }
}
