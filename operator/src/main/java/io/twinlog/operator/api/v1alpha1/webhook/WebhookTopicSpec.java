package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import lombok.Setter;

/** The receiver's topic and the dedup output (same partitions, so records keep their place). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class WebhookTopicSpec {

  @JsonPropertyDescription(
      "Partitions of the receiver's topic and of the dedup output. Default: 3.")
  @Default("3")
  @Min(1)
  @Max(1000)
  private Integer partitions;

  @JsonPropertyDescription(
      "How long the topics keep records (a duration); longer than the dedup window. Default:"
          + " 168h.")
  @Default("168h")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String retention;

  public Integer getPartitions() {
    return partitions == null ? 3 : partitions;
  }

  public String getRetention() {
    return retention == null ? "168h" : retention;
  }
}
