package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** Observed state of one source replica and its connector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
      "Why the source is not healthy, in CamelCase (for example ConnectorFailed, Stalled, BinlogPurged); absent when healthy.")
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

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  /** Sets {@code phase} and returns this. */
  public SourceStatus withPhase(String phase) {
    this.phase = phase;
    return this;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  /** Sets {@code name} and returns this. */
  public SourceStatus withName(String name) {
    this.name = name;
    return this;
  }

  public String getConnectorName() {
    return connectorName;
  }

  public void setConnectorName(String connectorName) {
    this.connectorName = connectorName;
  }

  /** Sets {@code connectorName} and returns this. */
  public SourceStatus withConnectorName(String connectorName) {
    this.connectorName = connectorName;
    return this;
  }

  public String getConnectorState() {
    return connectorState;
  }

  public void setConnectorState(String connectorState) {
    this.connectorState = connectorState;
  }

  /** Sets {@code connectorState} and returns this. */
  public SourceStatus withConnectorState(String connectorState) {
    this.connectorState = connectorState;
    return this;
  }

  public List<TaskStatus> getTasks() {
    return tasks;
  }

  public void setTasks(List<TaskStatus> tasks) {
    this.tasks = tasks;
  }

  /** Sets {@code tasks} and returns this. */
  public SourceStatus withTasks(List<TaskStatus> tasks) {
    this.tasks = tasks;
    return this;
  }

  public Integer getRestarts() {
    return restarts;
  }

  public void setRestarts(Integer restarts) {
    this.restarts = restarts;
  }

  /** Sets {@code restarts} and returns this. */
  public SourceStatus withRestarts(Integer restarts) {
    this.restarts = restarts;
    return this;
  }

  public Integer getConsecutiveRestarts() {
    return consecutiveRestarts;
  }

  public void setConsecutiveRestarts(Integer consecutiveRestarts) {
    this.consecutiveRestarts = consecutiveRestarts;
  }

  /** Sets {@code consecutiveRestarts} and returns this. */
  public SourceStatus withConsecutiveRestarts(Integer consecutiveRestarts) {
    this.consecutiveRestarts = consecutiveRestarts;
    return this;
  }

  public String getLastRestartTime() {
    return lastRestartTime;
  }

  public void setLastRestartTime(String lastRestartTime) {
    this.lastRestartTime = lastRestartTime;
  }

  /** Sets {@code lastRestartTime} and returns this. */
  public SourceStatus withLastRestartTime(String lastRestartTime) {
    this.lastRestartTime = lastRestartTime;
    return this;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  /** Sets {@code reason} and returns this. */
  public SourceStatus withReason(String reason) {
    this.reason = reason;
    return this;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }

  /** Sets {@code lastError} and returns this. */
  public SourceStatus withLastError(String lastError) {
    this.lastError = lastError;
    return this;
  }

  public String getRetention() {
    return retention;
  }

  public void setRetention(String retention) {
    this.retention = retention;
  }

  /** Sets {@code retention} and returns this. */
  public SourceStatus withRetention(String retention) {
    this.retention = retention;
    return this;
  }

  public Boolean getStalled() {
    return stalled;
  }

  public void setStalled(Boolean stalled) {
    this.stalled = stalled;
  }

  /** Sets {@code stalled} and returns this. */
  public SourceStatus withStalled(Boolean stalled) {
    this.stalled = stalled;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SourceStatus other)) {
      return false;
    }
    return Objects.equals(name, other.name)
        && Objects.equals(connectorName, other.connectorName)
        && Objects.equals(connectorState, other.connectorState)
        && Objects.equals(tasks, other.tasks)
        && Objects.equals(restarts, other.restarts)
        && Objects.equals(consecutiveRestarts, other.consecutiveRestarts)
        && Objects.equals(lastRestartTime, other.lastRestartTime)
        && Objects.equals(reason, other.reason)
        && Objects.equals(lastError, other.lastError)
        && Objects.equals(retention, other.retention)
        && Objects.equals(stalled, other.stalled)
        && Objects.equals(phase, other.phase);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name,
        connectorName,
        connectorState,
        tasks,
        restarts,
        consecutiveRestarts,
        lastRestartTime,
        reason,
        lastError,
        retention,
        stalled,
        phase);
  }

  @Override
  public String toString() {
    return "SourceStatus{"
        + "name="
        + name
        + ", phase="
        + phase
        + ", connectorName="
        + connectorName
        + ", connectorState="
        + connectorState
        + ", tasks="
        + tasks
        + ", restarts="
        + restarts
        + ", consecutiveRestarts="
        + consecutiveRestarts
        + ", lastRestartTime="
        + lastRestartTime
        + ", reason="
        + reason
        + ", lastError="
        + lastError
        + ", retention="
        + retention
        + ", stalled="
        + stalled
        + "}";
  }
}
