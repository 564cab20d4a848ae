package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.SinkStatus;
import java.util.List;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/** What the operator observed of an {@link ErpWebhook} (docs/concepts/webhooks.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
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

  // Compared before writing: an unchanged status is not written again.
}
