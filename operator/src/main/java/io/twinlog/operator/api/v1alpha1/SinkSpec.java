package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import lombok.Getter;
import lombok.Setter;

/** Where the deduplicated changes go. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class SinkSpec {

  @JsonPropertyDescription(
      "An HTTP ERP endpoint, fed by Twinlog's ERP sink connector with retries, an idempotency"
          + " key and a dead-letter topic.")
  @Required
  private ErpSinkSpec erp;
}
