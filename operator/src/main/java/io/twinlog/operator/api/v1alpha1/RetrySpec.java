package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Setter;

/** Retry policy of the ERP sink: exponential backoff with jitter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class RetrySpec {

  /** Most attempts per change. */
  public static final int MAX_ATTEMPTS = 1000;

  @JsonPropertyDescription(
      "Attempts per change, the first included, before it is dead-lettered. Default: 12.")
  @Default("12")
  @Min(1)
  @Max(MAX_ATTEMPTS)
  private Integer maxAttempts;

  @JsonPropertyDescription(
      "Wait before the first retry (a duration); doubles with each attempt. Default: 1s.")
  @Default("1s")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String initialBackoff;

  @JsonPropertyDescription(
      "Longest wait between two attempts (a duration, at least initialBackoff). Default: 5m.")
  @Default("5m")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  private String maxBackoff;

  public Integer getMaxAttempts() {
    return maxAttempts == null ? 12 : maxAttempts;
  }

  public String getInitialBackoff() {
    return initialBackoff == null ? "1s" : initialBackoff;
  }

  public String getMaxBackoff() {
    return maxBackoff == null ? "5m" : maxBackoff;
  }
}
