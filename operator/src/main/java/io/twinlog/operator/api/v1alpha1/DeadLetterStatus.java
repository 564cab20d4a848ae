package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * What a dead-letter topic holds: how many records, and the newest one's time and error
 * (docs/operations/runbooks/dead-lettered.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
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

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  /** Sets {@code topic} and returns this. */
  public DeadLetterStatus withTopic(String topic) {
    this.topic = topic;
    return this;
  }

  public Long getCount() {
    return count;
  }

  public void setCount(Long count) {
    this.count = count;
  }

  /** Sets {@code count} and returns this. */
  public DeadLetterStatus withCount(Long count) {
    this.count = count;
    return this;
  }

  public String getLastTime() {
    return lastTime;
  }

  public void setLastTime(String lastTime) {
    this.lastTime = lastTime;
  }

  /** Sets {@code lastTime} and returns this. */
  public DeadLetterStatus withLastTime(String lastTime) {
    this.lastTime = lastTime;
    return this;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }

  /** Sets {@code lastError} and returns this. */
  public DeadLetterStatus withLastError(String lastError) {
    this.lastError = lastError;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DeadLetterStatus other)) {
      return false;
    }
    return Objects.equals(topic, other.topic)
        && Objects.equals(count, other.count)
        && Objects.equals(lastTime, other.lastTime)
        && Objects.equals(lastError, other.lastError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, count, lastTime, lastError);
  }
}
