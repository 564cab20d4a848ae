package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** HTTP method the ERP sink uses. */
public enum HttpMethod {
  /** POST each change. */
  @JsonProperty("POST")
  POST,
  /** PUT each change. */
  @JsonProperty("PUT")
  PUT,
  /** PATCH each change. */
  @JsonProperty("PATCH")
  PATCH;

  /** The value as written in YAML. */
  public String value() {
    try {
      return HttpMethod.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
