package io.twinlog.operator.health;

/**
 * A FAILED connector or task of one KafkaConnector, or a stalled one (see {@link StallDetector}).
 *
 * @param taskId null when the connector instance itself failed
 * @param trace Connect's stack trace, as Strimzi copies it into {@code status.connectorStatus}
 * @param kind whether restarting can fix it, and the reason to report
 */
public record Failure(Integer taskId, String trace, FailureKind kind) {

  /** A failure Connect reported, classified from its trace. */
  public Failure(Integer taskId, String trace) {
    this(taskId, trace, FailureClassifier.classify(trace));
  }

  /**
   * A task Connect reports RUNNING that reads nothing: restarting the task (which holds the binlog
   * connection) is the remedy.
   */
  public static Failure stalled(int taskId, String description) {
    return new Failure(taskId, "Stalled: " + description, FailureKind.STALLED);
  }

  /** Whether the connector instance (not one of its tasks) failed. */
  public boolean connectorLevel() {
    return taskId == null;
  }

  /** What restarting or reading this failure is about: {@code connector} or {@code task 0}. */
  public String target() {
    return connectorLevel() ? "connector" : "task " + taskId;
  }

  /** One line for status and Events. */
  public String summary() {
    String line = FailureClassifier.summarize(trace);
    return line.isEmpty() ? target() + " failed" : target() + ": " + line;
  }
}
