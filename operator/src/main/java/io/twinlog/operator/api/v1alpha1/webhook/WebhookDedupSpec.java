package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import lombok.Setter;

/** The dedup step: how long an event id is remembered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class WebhookDedupSpec {

  @JsonPropertyDescription(
      "How long an event id is remembered (a duration); longer than the ERP's longest retry"
          + " schedule. About 60 bytes per remembered id in RocksDB and as much in the changelog."
          + " Default: 24h.")
  @Default("24h")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) >= duration('1s')",
      message = "must be at least 1s")
  private String window;

  public String getWindow() {
    return window == null ? "24h" : window;
  }
}
