package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** Observed state of the ERP sink connector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SinkStatus {

  @JsonPropertyDescription("Name of the sink KafkaConnector.")
  private String connectorName;

  @JsonPropertyDescription("Connector state as Kafka Connect reports it.")
  private String state;

  @JsonPropertyDescription("States of the connector's tasks.")
  private List<TaskStatus> tasks;

  @JsonPropertyDescription("Restarts Twinlog made of the sink connector.")
  private Integer restarts;

  @JsonPropertyDescription("Restarts since the sink connector was last healthy.")
  private Integer consecutiveRestarts;

  @JsonPropertyDescription("When Twinlog last restarted the sink connector (RFC 3339).")
  private String lastRestartTime;

  @JsonPropertyDescription("The last error of the connector or its tasks, one line.")
  private String lastError;

  @JsonPropertyDescription(
      "Why the sink connector does not deliver (the SinkReady reason of a CdcPipeline, e.g."
          + " ConnectorFailed or RestartsExhausted); absent while it runs.")
  private String reason;

  @JsonPropertyDescription(
      "Changes the ERP refused for good (after the retries), on the sink's dead-letter topic.")
  private DeadLetterStatus deadLetters;

  public String getConnectorName() {
    return connectorName;
  }

  public void setConnectorName(String connectorName) {
    this.connectorName = connectorName;
  }

  /** Sets {@code connectorName} and returns this. */
  public SinkStatus withConnectorName(String connectorName) {
    this.connectorName = connectorName;
    return this;
  }

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  /** Sets {@code state} and returns this. */
  public SinkStatus withState(String state) {
    this.state = state;
    return this;
  }

  public List<TaskStatus> getTasks() {
    return tasks;
  }

  public void setTasks(List<TaskStatus> tasks) {
    this.tasks = tasks;
  }

  /** Sets {@code tasks} and returns this. */
  public SinkStatus withTasks(List<TaskStatus> tasks) {
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
  public SinkStatus withRestarts(Integer restarts) {
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
  public SinkStatus withConsecutiveRestarts(Integer consecutiveRestarts) {
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
  public SinkStatus withLastRestartTime(String lastRestartTime) {
    this.lastRestartTime = lastRestartTime;
    return this;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }

  /** Sets {@code lastError} and returns this. */
  public SinkStatus withLastError(String lastError) {
    this.lastError = lastError;
    return this;
  }

  public DeadLetterStatus getDeadLetters() {
    return deadLetters;
  }

  public void setDeadLetters(DeadLetterStatus deadLetters) {
    this.deadLetters = deadLetters;
  }

  /** Sets {@code deadLetters} and returns this. */
  public SinkStatus withDeadLetters(DeadLetterStatus deadLetters) {
    this.deadLetters = deadLetters;
    return this;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  /** Sets {@code reason} and returns this. */
  public SinkStatus withReason(String reason) {
    this.reason = reason;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SinkStatus other)) {
      return false;
    }
    return Objects.equals(connectorName, other.connectorName)
        && Objects.equals(state, other.state)
        && Objects.equals(tasks, other.tasks)
        && Objects.equals(restarts, other.restarts)
        && Objects.equals(consecutiveRestarts, other.consecutiveRestarts)
        && Objects.equals(lastRestartTime, other.lastRestartTime)
        && Objects.equals(lastError, other.lastError)
        && Objects.equals(reason, other.reason)
        && Objects.equals(deadLetters, other.deadLetters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        connectorName,
        state,
        tasks,
        restarts,
        consecutiveRestarts,
        lastRestartTime,
        lastError,
        reason,
        deadLetters);
  }

  @Override
  public String toString() {
    return "SinkStatus{"
        + "connectorName="
        + connectorName
        + ", state="
        + state
        + ", tasks="
        + tasks
        + ", restarts="
        + restarts
        + ", consecutiveRestarts="
        + consecutiveRestarts
        + ", lastRestartTime="
        + lastRestartTime
        + ", lastError="
        + lastError
        + ", reason="
        + reason
        + "}";
  }
}
