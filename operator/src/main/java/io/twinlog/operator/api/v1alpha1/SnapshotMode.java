package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Debezium's {@code snapshot.mode} for the source connectors. */
public enum SnapshotMode {
  /** Snapshot once when no offset exists, then stream. */
  @JsonProperty("initial")
  INITIAL,
  /** Snapshot once, then stop. */
  @JsonProperty("initial_only")
  INITIAL_ONLY,
  /** Capture the schema only, then stream from the current position. */
  @JsonProperty("no_data")
  NO_DATA,
  /** Snapshot whenever the stored offset is missing or unusable. */
  @JsonProperty("when_needed")
  WHEN_NEEDED,
  /** Rebuild a lost schema history topic, then stream. */
  @JsonProperty("recovery")
  RECOVERY,
  /** Snapshot at every start, then stream. */
  @JsonProperty("always")
  ALWAYS;

  /** The value as written in YAML. */
  public String value() {
    try {
      return SnapshotMode.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
