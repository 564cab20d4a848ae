package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/** Observed state of the ERP sink connector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
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

  /** Sets {@code connectorName} and returns this. */
  public SinkStatus withConnectorName(String connectorName) {
    this.connectorName = connectorName;
    return this;
  }

  /** Sets {@code state} and returns this. */
  public SinkStatus withState(String state) {
    this.state = state;
    return this;
  }

  /** Sets {@code tasks} and returns this. */
  public SinkStatus withTasks(List<TaskStatus> tasks) {
    this.tasks = tasks;
    return this;
  }

  /** Sets {@code restarts} and returns this. */
  public SinkStatus withRestarts(Integer restarts) {
    this.restarts = restarts;
    return this;
  }

  /** Sets {@code consecutiveRestarts} and returns this. */
  public SinkStatus withConsecutiveRestarts(Integer consecutiveRestarts) {
    this.consecutiveRestarts = consecutiveRestarts;
    return this;
  }

  /** Sets {@code lastRestartTime} and returns this. */
  public SinkStatus withLastRestartTime(String lastRestartTime) {
    this.lastRestartTime = lastRestartTime;
    return this;
  }

  /** Sets {@code lastError} and returns this. */
  public SinkStatus withLastError(String lastError) {
    this.lastError = lastError;
    return this;
  }

  /** Sets {@code deadLetters} and returns this. */
  public SinkStatus withDeadLetters(DeadLetterStatus deadLetters) {
    this.deadLetters = deadLetters;
    return this;
  }

  /** Sets {@code reason} and returns this. */
  public SinkStatus withReason(String reason) {
    this.reason = reason;
    return this;
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
