package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the ERP sink authenticates. */
public enum AuthType {
  /** No authentication. */
  @JsonProperty("none")
  NONE,
  /** An {@code Authorization: Bearer} token from a Secret. */
  @JsonProperty("bearer")
  BEARER,
  /** HTTP basic authentication with a user name and password from a Secret. */
  @JsonProperty("basic")
  BASIC,
  /**
   * OAuth2 client credentials: a token from {@code oauth2.tokenUrl} with the client id and secret
   * from a Secret, cached until shortly before it expires and renewed on 401.
   */
  @JsonProperty("oauth2")
  OAUTH2;

  /** The value as written in YAML. */
  public String value() {
    try {
      return AuthType.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
