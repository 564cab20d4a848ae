package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the ERP sink does with Kafka tombstones (null values). */
public enum TombstoneMode {
  /** Ignore them. */
  @JsonProperty("skip")
  SKIP,
  /** Send them as deletes. */
  @JsonProperty("delete")
  DELETE;

  /** The value as written in YAML. */
  public String value() {
    try {
      return TombstoneMode.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
