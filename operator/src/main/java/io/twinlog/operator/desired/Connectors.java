package io.twinlog.operator.desired;

import io.strimzi.api.kafka.model.common.ConnectorState;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorBuilder;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import java.util.Map;

/** What every connector of a pipeline shares: ownership, Strimzi's restarts off, the state. */
final class Connectors {
  private Connectors() {}

  static KafkaConnector connector(
      CdcPipeline pipeline,
      String name,
      Map<String, String> labels,
      String className,
      int tasksMax,
      Map<String, Object> config) {
    return new KafkaConnectorBuilder()
        .withMetadata(Ownership.metadata(pipeline, name, labels))
        .withNewSpec()
        .withClassName(className)
        .withTasksMax(tasksMax)
        .withConfig(config)
        // Twinlog restarts failed connectors itself, with the pipeline's backoff.
        .withNewAutoRestart()
        .withEnabled(false)
        .endAutoRestart()
        .withState(ConnectorState.forValue(pipeline.getSpec().getState().value()))
        .endSpec()
        .build();
  }
}
