package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/** Observed state of the dedup runtime. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
public class DedupStatus {

  @JsonPropertyDescription("Dedup pods that are ready.")
  private Integer readyInstances;

  @JsonPropertyDescription("Dedup pods wanted (spec.dedup.instances).")
  private Integer desiredInstances;

  @JsonPropertyDescription(
      "Changes the dedup runtime could not emit (a record that is not a Debezium envelope, a change older than one already emitted for its row), on its dead-letter topic.")
  private DeadLetterStatus deadLetters;

  /** Sets {@code readyInstances} and returns this. */
  public DedupStatus withReadyInstances(Integer readyInstances) {
    this.readyInstances = readyInstances;
    return this;
  }

  /** Sets {@code desiredInstances} and returns this. */
  public DedupStatus withDesiredInstances(Integer desiredInstances) {
    this.desiredInstances = desiredInstances;
    return this;
  }

  /** Sets {@code deadLetters} and returns this. */
  public DedupStatus withDeadLetters(DeadLetterStatus deadLetters) {
    this.deadLetters = deadLetters;
    return this;
  }

  @Override
  public String toString() {
    return "DedupStatus{"
        + "readyInstances="
        + readyInstances
        + ", desiredInstances="
        + desiredInstances
        + "}";
  }
}
