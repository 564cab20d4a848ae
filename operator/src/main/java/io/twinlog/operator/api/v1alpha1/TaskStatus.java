package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;
import lombok.ToString;

/** State of one connector task as Kafka Connect reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
@ToString
public class TaskStatus {

  @JsonPropertyDescription("Task id.")
  private Integer id;

  @JsonPropertyDescription("RUNNING, FAILED, PAUSED, UNASSIGNED or RESTARTING.")
  private String state;

  /** Sets {@code id} and returns this. */
  public TaskStatus withId(Integer id) {
    this.id = id;
    return this;
  }

  /** Sets {@code state} and returns this. */
  public TaskStatus withState(String state) {
    this.state = state;
    return this;
  }
}
