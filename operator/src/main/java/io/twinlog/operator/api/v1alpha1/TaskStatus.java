package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** State of one connector task as Kafka Connect reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskStatus {

  @JsonPropertyDescription("Task id.")
  private Integer id;

  @JsonPropertyDescription("RUNNING, FAILED, PAUSED, UNASSIGNED or RESTARTING.")
  private String state;

  public Integer getId() {
    return id;
  }

  public void setId(Integer id) {
    this.id = id;
  }

  /** Sets {@code id} and returns this. */
  public TaskStatus withId(Integer id) {
    this.id = id;
    return this;
  }

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  /** Sets {@code state} and returns this. */
  public TaskStatus withState(String state) {
    this.state = state;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TaskStatus other)) {
      return false;
    }
    return Objects.equals(id, other.id) && Objects.equals(state, other.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, state);
  }

  @Override
  public String toString() {
    return "TaskStatus{" + "id=" + id + ", state=" + state + "}";
  }
}
