package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Where the deduplicated changes go. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SinkSpec {

  @JsonPropertyDescription(
      "An HTTP ERP endpoint, fed by Twinlog's ERP sink connector with retries, an idempotency"
          + " key and a dead-letter topic.")
  @Required
  private ErpSinkSpec erp;

  public ErpSinkSpec getErp() {
    return erp;
  }

  public void setErp(ErpSinkSpec erp) {
    this.erp = erp;
  }
}
