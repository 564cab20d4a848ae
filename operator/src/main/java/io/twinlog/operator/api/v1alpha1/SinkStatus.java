package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/** Observed state of a sink connector ({@link ConnectorStatus}) and its dead letters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode(callSuper = true)
@ToString(callSuper = true, exclude = "deadLetters")
public class SinkStatus extends ConnectorStatus {

  @JsonPropertyDescription(
      "Changes the ERP refused for good (after the retries), on the sink's dead-letter topic.")
  private DeadLetterStatus deadLetters;

  /** Sets {@code deadLetters} and returns this. */
  public SinkStatus withDeadLetters(DeadLetterStatus deadLetters) {
    this.deadLetters = deadLetters;
    return this;
  }
}
