package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/** Observed state of one source replica and its connector ({@link ConnectorStatus}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true)
public class SourceStatus extends ConnectorStatus {

  @JsonPropertyDescription("Name of the replica, as in spec.source.replicas.")
  private String name;

  @JsonPropertyDescription(
      "Binlog retention of the replica as last measured (a duration such as 168h); PostgreSQL:"
          + " the WAL its slot retains (such as 16MB).")
  private String retention;

  @JsonPropertyDescription(
      "True when the connector runs but delivered nothing, not even a heartbeat, for restartPolicy.stallAfter.")
  private Boolean stalled;

  @JsonPropertyDescription(
      "Where the source is in the pipeline's start: Snapshotting (the leader, until it streams),"
          + " Seeding (waiting for the leader, then set to its position), Streaming.")
  private String phase;

  /** Sets {@code phase} and returns this. */
  public SourceStatus withPhase(String phase) {
    this.phase = phase;
    return this;
  }

  /** Sets {@code name} and returns this. */
  public SourceStatus withName(String name) {
    this.name = name;
    return this;
  }

  /** Sets {@code retention} and returns this. */
  public SourceStatus withRetention(String retention) {
    this.retention = retention;
    return this;
  }

  /** Sets {@code stalled} and returns this. */
  public SourceStatus withStalled(Boolean stalled) {
    this.stalled = stalled;
    return this;
  }
}
