package io.twinlog.operator.health;

import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A KafkaConnector's health, read from Strimzi's {@code status.connectorStatus} (Connect's {@code
 * GET /connectors/NAME/status}) and Strimzi's own conditions.
 *
 * @param state the connector instance's state, or {@link #UNKNOWN} before Strimzi reported one
 * @param tasks the tasks, ordered by id
 * @param trace the connector instance's trace when it failed, else null
 * @param notReadyMessage Strimzi's NotReady condition message (for example the connector class is
 *     missing), else null
 * @param restartPending whether a restart annotation waits for Strimzi to act on it
 */
public record ConnectorHealth(
    String state,
    List<TaskHealth> tasks,
    String trace,
    String notReadyMessage,
    boolean restartPending) {

  public static final String RUNNING = "RUNNING";
  public static final String FAILED = "FAILED";
  public static final String PAUSED = "PAUSED";
  public static final String STOPPED = "STOPPED";
  public static final String UNKNOWN = "UNKNOWN";

  /** Health of a connector that does not exist (yet). */
  public static ConnectorHealth absent() {
    return new ConnectorHealth(UNKNOWN, List.of(), null, null, false);
  }

  /** Reads the health of a KafkaConnector; null-safe for a connector without status. */
  public static ConnectorHealth of(KafkaConnector connector) {
    if (connector == null) {
      return absent();
    }
    boolean pending = RestartAnnotations.pending(connector);
    var status = connector.getStatus();
    if (status == null) {
      return new ConnectorHealth(UNKNOWN, List.of(), null, null, pending);
    }
    String notReady =
        Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
            .filter(c -> "NotReady".equals(c.getType()) && "True".equals(c.getStatus()))
            .filter(c -> c.getMessage() != null)
            .map(Condition::getMessage)
            .findFirst()
            .orElse(null);
    return fromConnect(status.getConnectorStatus(), notReady, pending);
  }

  /**
   * Reads Connect's {@code GET /connectors/NAME/status} JSON (as a map; null when unknown), as
   * Strimzi copies it into {@code status.connectorStatus} or as Connect's REST API answers it.
   */
  public static ConnectorHealth fromConnect(
      Map<String, Object> cs, String notReadyMessage, boolean restartPending) {
    if (cs == null) {
      return new ConnectorHealth(UNKNOWN, List.of(), null, notReadyMessage, restartPending);
    }
    String state = UNKNOWN;
    String trace = null;
    if (cs.get("connector") instanceof Map<?, ?> instance) {
      state = text(instance.get("state"), UNKNOWN);
      trace = text(instance.get("trace"), null);
    }
    List<TaskHealth> tasks = new ArrayList<>();
    if (cs.get("tasks") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> task && task.get("id") instanceof Number id) {
          tasks.add(
              new TaskHealth(
                  id.intValue(), text(task.get("state"), UNKNOWN), text(task.get("trace"), null)));
        }
      }
    }
    tasks.sort(Comparator.comparingInt(TaskHealth::id));
    return new ConnectorHealth(state, List.copyOf(tasks), trace, notReadyMessage, restartPending);
  }

  /** The same health with a restart counted as pending (its effect not seen yet). */
  public ConnectorHealth withRestartPending() {
    return new ConnectorHealth(state, tasks, trace, notReadyMessage, true);
  }

  private static String text(Object value, String fallback) {
    return value == null ? fallback : value.toString();
  }

  /** Connector RUNNING with at least one task, all RUNNING: the only state that moves data. */
  public boolean healthy() {
    return RUNNING.equals(state)
        && !tasks.isEmpty()
        && tasks.stream().allMatch(TaskHealth::running);
  }

  /** Failures, connector instance first, then tasks by id. */
  public List<Failure> failures() {
    List<Failure> failures = new ArrayList<>();
    if (FAILED.equals(state)) {
      failures.add(new Failure(null, trace));
    }
    tasks.stream()
        .filter(TaskHealth::failed)
        .forEach(t -> failures.add(new Failure(t.id(), t.trace())));
    return failures;
  }

  /**
   * The failure that decides what to do: an unrecoverable one if any (it must be reported even when
   * another part is merely restartable), else the first.
   */
  public Optional<Failure> decisiveFailure() {
    List<Failure> failures = failures();
    return failures.stream()
        .filter(f -> !f.kind().restartable())
        .findFirst()
        .or(() -> failures.stream().findFirst());
  }
}
