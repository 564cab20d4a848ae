package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.SinkStatus;
import java.util.List;
import java.util.Objects;

/** What the operator observed of an {@link ErpWebhook} (docs/concepts/webhooks.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ErpWebhookStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Conditions: Ready, with a reason and message when False.")
  private List<Condition> conditions;

  @JsonPropertyDescription("In-cluster URL of the receiver's Service and path.")
  private String endpoint;

  @JsonPropertyDescription("Webhooks acknowledged by Kafka since the receiver pods started.")
  private Long received;

  @JsonPropertyDescription("Events the system acknowledged.")
  private Long delivered;

  @JsonPropertyDescription("Events on the dead-letter topic.")
  private Long deadLetters;

  @JsonPropertyDescription(
      "The sink connector that delivers to the system: its state, tasks, the restarts Twinlog made"
          + " of it (spec.restartPolicy) and why it does not deliver, when it does not.")
  private SinkStatus sink;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Long getReceived() {
    return received;
  }

  public void setReceived(Long received) {
    this.received = received;
  }

  public Long getDelivered() {
    return delivered;
  }

  public void setDelivered(Long delivered) {
    this.delivered = delivered;
  }

  public Long getDeadLetters() {
    return deadLetters;
  }

  public void setDeadLetters(Long deadLetters) {
    this.deadLetters = deadLetters;
  }

  public SinkStatus getSink() {
    return sink;
  }

  public void setSink(SinkStatus sink) {
    this.sink = sink;
  }

  // Compared before writing: an unchanged status is not written again.
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ErpWebhookStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(endpoint, other.endpoint)
        && Objects.equals(received, other.received)
        && Objects.equals(delivered, other.delivered)
        && Objects.equals(deadLetters, other.deadLetters)
        && Objects.equals(sink, other.sink);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration, conditions, endpoint, received, delivered, deadLetters, sink);
  }
}
