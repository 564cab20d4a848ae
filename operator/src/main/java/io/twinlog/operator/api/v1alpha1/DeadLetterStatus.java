package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.Setter;

/**
 * What a dead-letter topic holds: how many records, and the newest one's time and error
 * (docs/operations/runbooks/dead-lettered.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
@EqualsAndHashCode
public class DeadLetterStatus {

  @JsonPropertyDescription("The dead-letter topic.")
  private String topic;

  @JsonPropertyDescription(
      "Records on the topic within its retention, committed ones only (read_committed).")
  private Long count;

  @JsonPropertyDescription("When the newest record was written (RFC 3339), if any.")
  private String lastTime;

  @JsonPropertyDescription(
      "The newest record's error, one line: the ERP's answer for the sink, the error class and"
          + " message for the dedup runtime.")
  private String lastError;

  /** Sets {@code topic} and returns this. */
  public DeadLetterStatus withTopic(String topic) {
    this.topic = topic;
    return this;
  }

  /** Sets {@code count} and returns this. */
  public DeadLetterStatus withCount(Long count) {
    this.count = count;
    return this;
  }

  /** Sets {@code lastTime} and returns this. */
  public DeadLetterStatus withLastTime(String lastTime) {
    this.lastTime = lastTime;
    return this;
  }

  /** Sets {@code lastError} and returns this. */
  public DeadLetterStatus withLastError(String lastError) {
    this.lastError = lastError;
    return this;
  }
}
