package io.twinlog.operator.health;

/** One connector task as Kafka Connect reports it; {@code trace} is null unless it failed. */
public record TaskHealth(int id, String state, String trace) {

  /** Whether Connect reports the task RUNNING. */
  public boolean running() {
    return ConnectorHealth.RUNNING.equals(state);
  }

  /** Whether Connect reports the task FAILED. */
  public boolean failed() {
    return ConnectorHealth.FAILED.equals(state);
  }
}
