package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;
import lombok.Getter;
import lombok.Setter;

/** The ERP HTTP endpoint and how changes are delivered to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ErpSinkSpec {

  /** Most extra headers. */
  public static final int MAX_HEADERS = 32;

  @JsonPropertyDescription("URL the changes are sent to (http or https).")
  @Required
  @Pattern(ApiPatterns.HTTP_URL)
  @Size(min = 8, max = 2048)
  @Getter
  @Setter
  private String url;

  @JsonPropertyDescription("HTTP method: POST, PUT or PATCH. Default: POST.")
  @Default("POST")
  @Setter
  private HttpMethod method;

  @JsonPropertyDescription(
      "How the sink authenticates; secrets are referenced, never inlined. Default: {} (each field"
          + " at its default).")
  @Default("{}")
  @ValidationRule(
      value = "!has(self.type) || self.type == 'none' || has(self.secretName)",
      message = "secretName is required when type is bearer, basic or oauth2")
  @ValidationRule(
      value = "!has(self.type) || self.type != 'oauth2' || has(self.oauth2)",
      message = "oauth2 (tokenUrl) is required when type is oauth2")
  @Setter
  private ErpAuthSpec auth;

  /** TLS as written, or null. */
  @JsonPropertyDescription(
      "TLS to the ERP: the CA its certificate is verified against, from a Secret. Absent: the"
          + " JDK's default trust store.")
  @Getter
  @Setter
  private ErpTlsSpec tls;

  @JsonPropertyDescription(
      "Extra HTTP headers sent with every request (not secret: use auth for credentials).")
  @Size(max = MAX_HEADERS)
  @ValidationRule(
      value = "self.all(k, k.matches('" + ApiPatterns.HEADER_NAME + "'))",
      message = "header names must be HTTP tokens")
  private Map<String, @Size(max = 4096) String> headers;

  @JsonPropertyDescription("Timeout of one HTTP request (a duration such as 30s). Default: 30s.")
  @Default("30s")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  @Setter
  private String timeout;

  @JsonPropertyDescription(
      "Retries of a failing request; what still fails afterwards goes to the dead-letter topic."
          + " Default: {} (each field at its default).")
  @Default("{}")
  @ValidationRule(
      value =
          "!has(self.initialBackoff) || !has(self.maxBackoff)"
              + " || !self.initialBackoff.matches('"
              + ApiPatterns.DURATION
              + "') || !self.maxBackoff.matches('"
              + ApiPatterns.DURATION
              + "') || duration(self.maxBackoff) >= duration(self.initialBackoff)",
      message = "maxBackoff must be at least initialBackoff")
  @Setter
  private RetrySpec retry;

  /** The topic as written in the spec, or null (see {@code ResourceNames} for the default). */
  @JsonPropertyDescription(
      "Kafka topic for changes the ERP still rejects after the retries, with the error in"
          + " headers. Default: <namespace>.<pipeline>.sink-dlq.")
  @Pattern(ApiPatterns.KAFKA_TOPIC)
  @Size(min = 1, max = 249)
  @Getter
  @Setter
  private String deadLetterTopic;

  @JsonPropertyDescription(
      "How many changes one request may carry. Default: {} (each field at its default).")
  @Default("{}")
  @Setter
  private BatchSpec batch;

  @JsonPropertyDescription(
      "Kafka tombstones (null values after a delete): skip or delete (sent as a delete). Default:"
          + " skip.")
  @Default("skip")
  @Setter
  private TombstoneMode tombstones;

  public HttpMethod getMethod() {
    return method == null ? HttpMethod.POST : method;
  }

  public ErpAuthSpec getAuth() {
    return auth == null ? new ErpAuthSpec() : auth;
  }

  public Map<String, String> getHeaders() {
    return headers == null ? Map.of() : headers;
  }

  public void setHeaders(Map<String, String> headers) {
    this.headers = headers == null ? null : new LinkedHashMap<>(headers);
  }

  public String getTimeout() {
    return timeout == null ? "30s" : timeout;
  }

  public RetrySpec getRetry() {
    return retry == null ? new RetrySpec() : retry;
  }

  public BatchSpec getBatch() {
    return batch == null ? new BatchSpec() : batch;
  }

  public TombstoneMode getTombstones() {
    return tombstones == null ? TombstoneMode.SKIP : tombstones;
  }
}
