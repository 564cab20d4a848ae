package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/** Observed state of one source replica and its connector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
@ToString
public class SourceStatus {

  @JsonPropertyDescription("Name of the replica, as in spec.source.replicas.")
  private String name;

  @JsonPropertyDescription("Name of the KafkaConnector reading this replica.")
  private String connectorName;

  @JsonPropertyDescription(
      "Connector state as Kafka Connect reports it (RUNNING, FAILED, PAUSED, STOPPED, UNASSIGNED).")
  private String connectorState;

  @JsonPropertyDescription("States of the connector's tasks.")
  private List<TaskStatus> tasks;

  @JsonPropertyDescription(
      "Restarts Twinlog made of this connector since the pipeline was created.")
  private Integer restarts;

  @JsonPropertyDescription(
      "Restarts since the connector was last healthy; drives the backoff and maxRestarts.")
  private Integer consecutiveRestarts;

  @JsonPropertyDescription("When Twinlog last restarted this connector (RFC 3339).")
  private String lastRestartTime;

  @JsonPropertyDescription(
      "Why the source is not healthy, in CamelCase (for example ConnectorFailed, Stalled,"
          + " BinlogPositionPurged); absent when healthy.")
  private String reason;

  @JsonPropertyDescription("The last error of the connector or its tasks, one line.")
  private String lastError;

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

  /** Sets {@code connectorName} and returns this. */
  public SourceStatus withConnectorName(String connectorName) {
    this.connectorName = connectorName;
    return this;
  }

  /** Sets {@code connectorState} and returns this. */
  public SourceStatus withConnectorState(String connectorState) {
    this.connectorState = connectorState;
    return this;
  }

  /** Sets {@code tasks} and returns this. */
  public SourceStatus withTasks(List<TaskStatus> tasks) {
    this.tasks = tasks;
    return this;
  }

  /** Sets {@code restarts} and returns this. */
  public SourceStatus withRestarts(Integer restarts) {
    this.restarts = restarts;
    return this;
  }

  /** Sets {@code consecutiveRestarts} and returns this. */
  public SourceStatus withConsecutiveRestarts(Integer consecutiveRestarts) {
    this.consecutiveRestarts = consecutiveRestarts;
    return this;
  }

  /** Sets {@code lastRestartTime} and returns this. */
  public SourceStatus withLastRestartTime(String lastRestartTime) {
    this.lastRestartTime = lastRestartTime;
    return this;
  }

  /** Sets {@code reason} and returns this. */
  public SourceStatus withReason(String reason) {
    this.reason = reason;
    return this;
  }

  /** Sets {@code lastError} and returns this. */
  public SourceStatus withLastError(String lastError) {
    this.lastError = lastError;
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
