package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Observed state of the dedup runtime. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DedupStatus {

  @JsonPropertyDescription("Dedup pods that are ready.")
  private Integer readyInstances;

  @JsonPropertyDescription("Dedup pods wanted (spec.dedup.instances).")
  private Integer desiredInstances;

  @JsonPropertyDescription(
      "Changes the dedup runtime could not emit (a record that is not a Debezium envelope, a change older than one already emitted for its row), on its dead-letter topic.")
  private DeadLetterStatus deadLetters;

  public Integer getReadyInstances() {
    return readyInstances;
  }

  public void setReadyInstances(Integer readyInstances) {
    this.readyInstances = readyInstances;
  }

  /** Sets {@code readyInstances} and returns this. */
  public DedupStatus withReadyInstances(Integer readyInstances) {
    this.readyInstances = readyInstances;
    return this;
  }

  public Integer getDesiredInstances() {
    return desiredInstances;
  }

  public void setDesiredInstances(Integer desiredInstances) {
    this.desiredInstances = desiredInstances;
  }

  /** Sets {@code desiredInstances} and returns this. */
  public DedupStatus withDesiredInstances(Integer desiredInstances) {
    this.desiredInstances = desiredInstances;
    return this;
  }

  public DeadLetterStatus getDeadLetters() {
    return deadLetters;
  }

  public void setDeadLetters(DeadLetterStatus deadLetters) {
    this.deadLetters = deadLetters;
  }

  /** Sets {@code deadLetters} and returns this. */
  public DedupStatus withDeadLetters(DeadLetterStatus deadLetters) {
    this.deadLetters = deadLetters;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DedupStatus other)) {
      return false;
    }
    return Objects.equals(readyInstances, other.readyInstances)
        && Objects.equals(desiredInstances, other.desiredInstances)
        && Objects.equals(deadLetters, other.deadLetters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(readyInstances, desiredInstances, deadLetters);
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
