package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Debezium's {@code publication.autocreate.mode}, without its superuser-only all_tables. */
public enum PublicationAutocreate {
  /** The publication exists; the connector fails with a clear error if it does not. */
  @JsonProperty("disabled")
  DISABLED,
  /** The connector creates the publication for the included tables when it is missing. */
  @JsonProperty("filtered")
  FILTERED;

  /** The value as written in YAML (and in Debezium's configuration). */
  public String value() {
    try {
      return PublicationAutocreate.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
