package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What Twinlog does with a source that cannot resume where it stopped. */
public enum ReseedMode {
  /** Report it (BinlogPositionPurged, SchemaHistoryMissing) and wait for a human. */
  @JsonProperty("manual")
  MANUAL,
  /** Start it again from a streaming source's position, as a consistent start does. */
  @JsonProperty("automatic")
  AUTOMATIC
}
