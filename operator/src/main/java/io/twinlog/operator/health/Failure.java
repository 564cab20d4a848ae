package io.twinlog.operator.health;

/**
 * A FAILED connector or task of one KafkaConnector.
 *
 * @param taskId null when the connector instance itself failed
 * @param trace Connect's stack trace, as Strimzi copies it into {@code status.connectorStatus}
 */
public record Failure(Integer taskId, String trace) {

  /** Whether the connector instance (not one of its tasks) failed. */
  public boolean connectorLevel() {
    return taskId == null;
  }

  /** What restarting or reading this failure is about: {@code connector} or {@code task 0}. */
  public String target() {
    return connectorLevel() ? "connector" : "task " + taskId;
  }

  /** Whether restarting can fix it, and the reason to report. */
  public FailureKind kind() {
    return FailureClassifier.classify(trace);
  }

  /** One line for status and Events. */
  public String summary() {
    String line = FailureClassifier.summarize(trace);
    return line.isEmpty() ? target() + " failed" : target() + ": " + line;
  }
}
