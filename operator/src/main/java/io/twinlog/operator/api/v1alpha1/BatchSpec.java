package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import lombok.Setter;

/** Batching of changes into ERP requests. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class BatchSpec {

  /** Most records per request. */
  public static final int MAX_RECORDS = 10000;

  /** Smallest and largest request body bound. */
  public static final int MIN_BYTES = 1024;

  /** Largest request body bound (64 MiB). */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  @JsonPropertyDescription(
      "Changes per request: 1 sends each change alone, more sends a JSON array. Default: 1.")
  @Default("1")
  @Min(1)
  @Max(MAX_RECORDS)
  private Integer maxRecords;

  @JsonPropertyDescription("Upper bound of one request body in bytes. Default: 1048576 (1 MiB).")
  @Default("1048576")
  @Min(MIN_BYTES)
  @Max(MAX_BYTES)
  private Integer maxBytes;

  public Integer getMaxRecords() {
    return maxRecords == null ? 1 : maxRecords;
  }

  public Integer getMaxBytes() {
    return maxBytes == null ? 1048576 : maxBytes;
  }
}
