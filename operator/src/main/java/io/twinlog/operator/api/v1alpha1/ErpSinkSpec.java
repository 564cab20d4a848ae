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

/** The ERP HTTP endpoint and how changes are delivered to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ErpSinkSpec {

  /** Most extra headers. */
  public static final int MAX_HEADERS = 32;

  @JsonPropertyDescription("URL the changes are sent to (http or https).")
  @Required
  @Pattern(ApiPatterns.HTTP_URL)
  @Size(min = 8, max = 2048)
  private String url;

  @JsonPropertyDescription("HTTP method: POST (default), PUT or PATCH.")
  @Default("POST")
  private HttpMethod method;

  @JsonPropertyDescription("How the sink authenticates; secrets are referenced, never inlined.")
  @Default("{}")
  @ValidationRule(
      value = "!has(self.type) || self.type == 'none' || has(self.secretName)",
      message = "secretName is required when type is bearer, basic or oauth2")
  @ValidationRule(
      value = "!has(self.type) || self.type != 'oauth2' || has(self.oauth2)",
      message = "oauth2 (tokenUrl) is required when type is oauth2")
  private ErpAuthSpec auth;

  @JsonPropertyDescription(
      "TLS to the ERP: the CA its certificate is verified against, from a Secret. Absent: the"
          + " JDK's default trust store.")
  private ErpTlsSpec tls;

  /** TLS as written, or null. */
  public ErpTlsSpec getTls() {
    return tls;
  }

  public void setTls(ErpTlsSpec tls) {
    this.tls = tls;
  }

  @JsonPropertyDescription(
      "Extra HTTP headers sent with every request (not secret: use auth for credentials).")
  @Size(max = MAX_HEADERS)
  @ValidationRule(
      value = "self.all(k, k.matches('" + ApiPatterns.HEADER_NAME + "'))",
      message = "header names must be HTTP tokens")
  private Map<String, @Size(max = 4096) String> headers;

  @JsonPropertyDescription("Timeout of one HTTP request (a duration such as 30s).")
  @Default("30s")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) > duration('0s')",
      message = "must be greater than 0")
  private String timeout;

  @JsonPropertyDescription(
      "Retries of a failing request; what still fails afterwards goes to the dead-letter topic.")
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
  private RetrySpec retry;

  @JsonPropertyDescription(
      "Kafka topic for changes the ERP still rejects after the retries, with the error in"
          + " headers. Default: <namespace>.<pipeline>.sink-dlq.")
  @Pattern(ApiPatterns.KAFKA_TOPIC)
  @Size(min = 1, max = 249)
  private String deadLetterTopic;

  @JsonPropertyDescription("How many changes one request may carry.")
  @Default("{}")
  private BatchSpec batch;

  @JsonPropertyDescription(
      "Kafka tombstones (null values after a delete): skip (default) or delete (sent as a"
          + " delete).")
  @Default("skip")
  private TombstoneMode tombstones;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public HttpMethod getMethod() {
    return method == null ? HttpMethod.POST : method;
  }

  public void setMethod(HttpMethod method) {
    this.method = method;
  }

  public ErpAuthSpec getAuth() {
    return auth == null ? new ErpAuthSpec() : auth;
  }

  public void setAuth(ErpAuthSpec auth) {
    this.auth = auth;
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

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public RetrySpec getRetry() {
    return retry == null ? new RetrySpec() : retry;
  }

  public void setRetry(RetrySpec retry) {
    this.retry = retry;
  }

  /** The topic as written in the spec, or null (see {@code ResourceNames} for the default). */
  public String getDeadLetterTopic() {
    return deadLetterTopic;
  }

  public void setDeadLetterTopic(String deadLetterTopic) {
    this.deadLetterTopic = deadLetterTopic;
  }

  public BatchSpec getBatch() {
    return batch == null ? new BatchSpec() : batch;
  }

  public void setBatch(BatchSpec batch) {
    this.batch = batch;
  }

  public TombstoneMode getTombstones() {
    return tombstones == null ? TombstoneMode.SKIP : tombstones;
  }

  public void setTombstones(TombstoneMode tombstones) {
    this.tombstones = tombstones;
  }
}
