package io.twinlog.operator.health;

import io.strimzi.api.ResourceAnnotations;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.util.Map;

/** Strimzi's annotations that ask its Cluster Operator to restart a connector or one task. */
public final class RestartAnnotations {

  /** {@code strimzi.io/restart=true}: restart the connector instance. */
  public static final String RESTART = ResourceAnnotations.STRIMZI_DOMAIN + "restart";

  /** {@code strimzi.io/restart-task=<id>}: restart one task. */
  public static final String RESTART_TASK = ResourceAnnotations.ANNO_STRIMZI_IO_RESTART_TASK;

  private RestartAnnotations() {}

  /** The annotation (key and value) that restarts the failed part. */
  public static Map.Entry<String, String> forFailure(Failure failure) {
    return failure.connectorLevel()
        ? Map.entry(RESTART, "true")
        : Map.entry(RESTART_TASK, Integer.toString(failure.taskId()));
  }

  /** Whether a restart was asked for and Strimzi has not removed the annotation yet. */
  public static boolean pending(KafkaConnector connector) {
    Map<String, String> annotations = connector.getMetadata().getAnnotations();
    return annotations != null
        && (annotations.containsKey(RESTART) || annotations.containsKey(RESTART_TASK));
  }
}
