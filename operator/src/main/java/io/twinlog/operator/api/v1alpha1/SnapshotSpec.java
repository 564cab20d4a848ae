package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import lombok.Getter;
import lombok.Setter;

/** How the source connectors snapshot existing rows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class SnapshotSpec {

  @JsonPropertyDescription(
      "Debezium's snapshot.mode: initial (snapshot once, then stream), initial_only, no_data"
          + " (schema only), when_needed, recovery (rebuild the schema history) or always. Default:"
          + " initial.")
  @Default("initial")
  private SnapshotMode mode;

  @JsonPropertyDescription(
      "The replica whose connector takes the initial snapshot (default: the first replica). The"
          + " others start only once it streams, from its position, with no snapshot of their own,"
          + " so each existing row reaches the output once (MySQL and MariaDB sources with mode"
          + " initial or when_needed; docs/concepts/consistent-start.md).")
  @Getter
  private String leader;

  public SnapshotMode getMode() {
    return mode == null ? SnapshotMode.INITIAL : mode;
  }
}
