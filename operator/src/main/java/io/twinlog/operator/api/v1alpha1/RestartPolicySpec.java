package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/** How Twinlog restarts failed connectors, and when a silent source counts as stalled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.initialBackoff) || !has(self.maxBackoff)"
            + " || !self.initialBackoff.matches('"
            + ApiPatterns.DURATION
            + "') || !self.maxBackoff.matches('"
            + ApiPatterns.DURATION
            + "') || duration(self.maxBackoff) >= duration(self.initialBackoff)",
    message = "maxBackoff must be at least initialBackoff",
    fieldPath = ".maxBackoff")
@Setter
public class RestartPolicySpec {

  @JsonPropertyDescription(
      "Wait before the first restart of a failed connector (a duration); doubles with each"
          + " consecutive failure. Default: 10s.")
  @Default("10s")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String initialBackoff;

  @JsonPropertyDescription(
      "Longest wait between two restarts (a duration, at least initialBackoff). Default: 10m.")
  @Default("10m")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  private String maxBackoff;

  /** The limit, or null when unlimited. */
  @JsonPropertyDescription(
      "Restarts per connector after which Twinlog gives up and reports it; unlimited when"
          + " absent. Counted since the connector was last healthy.")
  @Min(0)
  @Getter
  private Integer maxRestarts;

  @JsonPropertyDescription(
      "How long a running source may deliver nothing, not even a heartbeat, before it counts as"
          + " stalled (a duration). Default: 2m.")
  @Default("2m")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String stallAfter;

  public String getInitialBackoff() {
    return initialBackoff == null ? "10s" : initialBackoff;
  }

  public String getMaxBackoff() {
    return maxBackoff == null ? "10m" : maxBackoff;
  }

  public String getStallAfter() {
    return stallAfter == null ? "2m" : stallAfter;
  }
}
