package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Desired state of the pipeline's connectors; maps to Strimzi's KafkaConnector {@code spec.state}.
 */
public enum PipelineState {
  /** Connectors run. */
  @JsonProperty("running")
  RUNNING,
  /** Connectors are paused; tasks stay assigned. */
  @JsonProperty("paused")
  PAUSED,
  /** Connectors are stopped; tasks are released. */
  @JsonProperty("stopped")
  STOPPED;

  /** The value as written in YAML. */
  public String value() {
    try {
      return PipelineState.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
