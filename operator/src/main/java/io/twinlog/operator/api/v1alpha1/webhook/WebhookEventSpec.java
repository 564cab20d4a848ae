package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.Setter;

/** Where the event id and the entity key are: JSON pointers into the body or request headers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class WebhookEventSpec {
  /** A JSON pointer ({@code /a/b}) or {@code header:Name}. */
  static final String LOCATION = "^(/.*|header:[!#$%&'*+.^_`|~0-9A-Za-z-]+)$";

  @JsonPropertyDescription(
      "Where the event id is: a JSON pointer into the body (/id) or header:Name. It is the"
          + " idempotency key at the system and what the dedup step keeps once. Default: /id.")
  @Default("/id")
  @Pattern(LOCATION)
  @Size(min = 1, max = 256)
  private String id;

  @JsonPropertyDescription(
      "Where the entity key is (the Kafka record key, so events of one entity stay in order): a"
          + " JSON pointer or header:Name. Default: /entity/id.")
  @Default("/entity/id")
  @Pattern(LOCATION)
  @Size(min = 1, max = 256)
  private String entityKey;

  public String getId() {
    return id == null ? "/id" : id;
  }

  public String getEntityKey() {
    return entityKey == null ? "/entity/id" : entityKey;
  }
}
