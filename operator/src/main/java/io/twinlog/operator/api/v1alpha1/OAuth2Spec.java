package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** The OAuth2 authorization server the ERP sink gets its tokens from (client credentials). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class OAuth2Spec {

  @JsonPropertyDescription(
      "The token endpoint, an absolute https:// (or http://) URL; the client id and secret from"
          + " the auth Secret are sent to it with HTTP basic authentication.")
  @Required
  @Pattern("^https?://[^\\s/@]+(/[^\\s]*)?$")
  @Size(min = 1, max = 2048)
  private String tokenUrl;

  /** The scopes as written, or null. */
  @JsonPropertyDescription("Scopes to ask for, space-separated. Default: none.")
  @Pattern("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$")
  @Size(max = 1024)
  private String scope;
}
