package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/** A status condition in the Kubernetes shape that kstatus, Flux and Argo CD read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
@ToString
public class Condition {

  @JsonPropertyDescription(
      "Type of the condition: Ready, SourcesHealthy, DedupReady, SinkReady, BinlogRetentionOk, WalRetentionOk, Reconciling or Stalled.")
  private String type;

  @JsonPropertyDescription("True, False or Unknown.")
  private String status;

  @JsonPropertyDescription("Machine-readable reason for the last transition, in CamelCase.")
  private String reason;

  @JsonPropertyDescription("Human-readable explanation, naming the field or resource concerned.")
  private String message;

  @JsonPropertyDescription("When the status last changed (RFC 3339).")
  private String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation the condition was computed from.")
  private Long observedGeneration;

  /** Sets {@code type} and returns this. */
  public Condition withType(String type) {
    this.type = type;
    return this;
  }

  /** Sets {@code status} and returns this. */
  public Condition withStatus(String status) {
    this.status = status;
    return this;
  }

  /** Sets {@code reason} and returns this. */
  public Condition withReason(String reason) {
    this.reason = reason;
    return this;
  }

  /** Sets {@code message} and returns this. */
  public Condition withMessage(String message) {
    this.message = message;
    return this;
  }

  /** Sets {@code lastTransitionTime} and returns this. */
  public Condition withLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
    return this;
  }

  /** Sets {@code observedGeneration} and returns this. */
  public Condition withObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }
}
