package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** How the source connectors snapshot existing rows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SnapshotSpec {

  @JsonPropertyDescription(
      "Debezium's snapshot.mode: initial (default: snapshot once, then stream), initial_only,"
          + " no_data (schema only), when_needed, recovery (rebuild the schema history) or"
          + " always.")
  @Default("initial")
  private SnapshotMode mode;

  public SnapshotMode getMode() {
    return mode == null ? SnapshotMode.INITIAL : mode;
  }

  public void setMode(SnapshotMode mode) {
    this.mode = mode;
  }
}
