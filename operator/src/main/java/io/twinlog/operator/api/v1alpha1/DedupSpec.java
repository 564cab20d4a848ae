package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import lombok.Getter;
import lombok.Setter;

/** The deduplicator: a Kafka Streams Deployment merging the replicas' streams. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class DedupSpec {

  /** Most dedup instances. */
  public static final int MAX_INSTANCES = 10;

  /** Most partitions per output topic. */
  public static final int MAX_PARTITIONS = 1000;

  /** Longest output topic prefix (leaves room for {@code .<database>.<table>} within 249). */
  public static final int MAX_OUTPUT_TOPIC_PREFIX_LENGTH = 100;

  @JsonPropertyDescription(
      "How long a change is remembered to recognise its copy from another replica (a duration such"
          + " as 48h). It bounds the dedup state and must exceed the longest time one source may"
          + " lag behind another. Default: 48h.")
  @Default("48h")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String window;

  @JsonPropertyDescription(
      "How long a source the dedup runtime reported an anomaly for (it skipped or diverged, for"
          + " example) counts as unhealthy after the latest such report (a duration). Default:"
          + " 15m.")
  @Default("15m")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String anomalyHold;

  @JsonPropertyDescription(
      "How long the dedup runtime holds a source's changes of a table when that source resumed"
          + " inside a transaction and where it resumed is still ambiguous (a duration). The other"
          + " sources usually settle it sooner; when the hold ends the runtime decides alone and"
          + " may re-send a change rather than lose one. Default: 5m.")
  @Default("5m")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String alignHold;

  @JsonPropertyDescription(
      "How often the dedup runtime commits its exactly-once transaction (Kafka Streams'"
          + " commit.interval.ms, a duration): output becomes visible downstream only at a commit,"
          + " so this is most of the runtime's share of the latency. Longer: less CPU and higher"
          + " throughput, higher latency. Default: 50ms (Streams' own default is 100ms).")
  @Default("50ms")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) >= duration('10ms')",
      message = "must be at least 10ms")
  private String commitInterval;

  public String getCommitInterval() {
    return commitInterval == null ? "50ms" : commitInterval;
  }

  @JsonPropertyDescription("Number of dedup runtime pods (1 to 10). Default: 2.")
  @Default("2")
  @Min(1)
  @Max(MAX_INSTANCES)
  private Integer instances;

  @JsonPropertyDescription(
      "Partitions of each deduplicated output topic. Fixed once the pipeline exists: a key's"
          + " partition decides its order. Default: 3.")
  @Default("3")
  @Min(1)
  @Max(MAX_PARTITIONS)
  @ValidationRule(
      value = "self == oldSelf",
      message =
          "cannot change on an existing pipeline: each key's partition, and so its order, would"
              + " change under the ERP; create a new CdcPipeline with another outputTopicPrefix"
              + " and move to it")
  private Integer partitions;

  /** The prefix as written in the spec, or null (see {@code ResourceNames} for the default). */
  @JsonPropertyDescription(
      "Prefix of the output topics, which are named <outputTopicPrefix>.<database>.<table>."
          + " Default: <namespace>.<pipeline>.cdc.")
  @Pattern(ApiPatterns.KAFKA_TOPIC)
  @Size(min = 1, max = MAX_OUTPUT_TOPIC_PREFIX_LENGTH)
  @Getter
  private String outputTopicPrefix;

  /** The image as written in the spec, or null. */
  @JsonPropertyDescription(
      "Container image of the dedup runtime. Default: the image matching the operator's version.")
  @Size(min = 1, max = 512)
  @Pattern("^[^\\s]+$")
  @Getter
  private String image;

  /** The resources as written in the spec, or null. */
  @JsonPropertyDescription(
      "CPU and memory requests and limits of each dedup runtime container. Default: requests"
          + " 100m CPU and 256Mi memory, limit 512Mi memory.")
  @SchemaFrom(type = ResourceRequirementsSchema.class)
  @Getter
  private ResourceRequirements resources;

  public String getWindow() {
    return window == null ? "48h" : window;
  }

  public String getAnomalyHold() {
    return anomalyHold == null ? "15m" : anomalyHold;
  }

  public String getAlignHold() {
    return alignHold == null ? "5m" : alignHold;
  }

  public Integer getInstances() {
    return instances == null ? 2 : instances;
  }

  public Integer getPartitions() {
    return partitions == null ? 3 : partitions;
  }
}
