package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/**
 * What every connector Twinlog owns shows in status, a source's ({@link SourceStatus}) and a sink's
 * ({@link SinkStatus}) alike: Connect's state, the restart bookkeeping the restart policy reads
 * back at the next reconciliation, and why it does not deliver. One type, so the status and the
 * restart history are written and read in one place for both.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
@ToString
public class ConnectorStatus {

  @JsonPropertyDescription("Name of the KafkaConnector.")
  private String connectorName;

  // Read under its old name too: sources[] called it connectorState before 0.2.
  @JsonAlias("connectorState")
  @JsonPropertyDescription(
      "Connector state as Kafka Connect reports it (RUNNING, FAILED, PAUSED, STOPPED, UNASSIGNED).")
  private String state;

  @JsonPropertyDescription("States of the connector's tasks.")
  private List<TaskStatus> tasks;

  @JsonPropertyDescription("Restarts Twinlog made of this connector since it was created.")
  private Integer restarts;

  @JsonPropertyDescription(
      "Restarts since the connector was last healthy; drives the backoff and"
          + " restartPolicy.maxRestarts.")
  private Integer consecutiveRestarts;

  @JsonPropertyDescription("When Twinlog last restarted this connector (RFC 3339).")
  private String lastRestartTime;

  @JsonPropertyDescription(
      "Why it does not deliver, in CamelCase: a source's SourcesHealthy reason (for example"
          + " ConnectorFailed, Stalled, SourceSilent, BinlogPositionPurged), the sink's SinkReady"
          + " reason (ConnectorFailed, RestartsExhausted); absent while it runs.")
  private String reason;

  @JsonPropertyDescription("The last error of the connector or its tasks, one line.")
  private String lastError;
}
