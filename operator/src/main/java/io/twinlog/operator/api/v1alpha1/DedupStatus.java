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

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DedupStatus other)) {
      return false;
    }
    return Objects.equals(readyInstances, other.readyInstances)
        && Objects.equals(desiredInstances, other.desiredInstances);
  }

  @Override
  public int hashCode() {
    return Objects.hash(readyInstances, desiredInstances);
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
