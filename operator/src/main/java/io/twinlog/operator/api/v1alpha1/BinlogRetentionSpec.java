package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Setter;

/** The binlog retention the replicas must keep, and how often it is checked. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class BinlogRetentionSpec {

  @JsonPropertyDescription(
      "Shortest acceptable binlog retention on every replica (a duration such as 72h). Shorter"
          + " retention sets BinlogRetentionOk=False: a connector down longer than the retention"
          + " loses its position. Default: 72h.")
  @Default("72h")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String minimum;

  @JsonPropertyDescription(
      "How often Twinlog reads the replicas' retention settings (a duration). Default: 10m.")
  @Default("10m")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) >= duration('10s')",
      message = "must be at least 10s")
  private String checkEvery;

  @JsonPropertyDescription(
      "When true, Twinlog raises a replica's binlog retention to the minimum (needs the SUPER or"
          + " BINLOG ADMIN privilege); when false it only reports. Default: false.")
  @Default("false")
  private Boolean enforce;

  public String getMinimum() {
    return minimum == null ? "72h" : minimum;
  }

  public String getCheckEvery() {
    return checkEvery == null ? "10m" : checkEvery;
  }

  public Boolean getEnforce() {
    return enforce == null ? Boolean.FALSE : enforce;
  }
}
