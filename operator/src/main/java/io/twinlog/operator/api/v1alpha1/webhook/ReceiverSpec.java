package io.twinlog.operator.api.v1alpha1.webhook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import io.twinlog.operator.api.v1alpha1.ResourceRequirementsSchema;
import lombok.Getter;
import lombok.Setter;

/** The receiver pods: stateless, any number of replicas behind one Service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Setter
public class ReceiverSpec {

  @JsonPropertyDescription("Number of receiver pods (1 to 20). Default: 2.")
  @Default("2")
  @Min(1)
  @Max(20)
  private Integer replicas;

  @JsonPropertyDescription(
      "Port of the receiver's Service the ERP's webhooks go to. Default: 80, or 443 with tls (a"
          + " port the API server stored already stays as it is).")
  // Serialized as written (the getter's fallback depends on tls), so the receiver's {} default
  // holds no port.
  @JsonProperty("port")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription("Path the webhooks are POSTed to. Default: /webhook.")
  @Default("/webhook")
  @Pattern("^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
  @Size(max = 256)
  private String path;

  @JsonPropertyDescription(
      "Largest accepted body in bytes; larger ones are answered 413 and nothing is written."
          + " Default: 1048576 (1 MiB).")
  @Default("1048576")
  @Min(1)
  @Max(8388608)
  private Integer maxBodyBytes;

  @JsonPropertyDescription(
      "Longest wait for Kafka's acknowledgement before the ERP is answered 503 (a duration)."
          + " Default: 10s.")
  @Default("10s")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value =
          ApiPatterns.IF_DURATION
              + "duration(self) >= duration('1s') && duration(self) <= duration('120s')",
      message = "must be between 1s and 120s")
  private String ackTimeout;

  /** The image as written in the spec, or null. */
  @JsonPropertyDescription(
      "Container image of the receiver and the dedup step. Default: the image matching the"
          + " operator's version.")
  @Size(min = 1, max = 512)
  @Pattern("^[^\\s]+$")
  @Getter
  private String image;

  /** The resources as written in the spec, or null. */
  @JsonPropertyDescription(
      "CPU and memory of each receiver container. Default: requests 100m CPU and 192Mi memory,"
          + " limit 384Mi memory.")
  @SchemaFrom(type = ResourceRequirementsSchema.class)
  @Getter
  private ResourceRequirements resources;

  /** The tls block as written in the spec, or null (plain HTTP). */
  @JsonPropertyDescription(
      "HTTPS on the receiver's own webhook port, with a certificate from a Secret, and optionally"
          + " the ERP's client certificates verified against a CA (mutual TLS). Default: none"
          + " (plain HTTP, TLS ending at your ingress).")
  @Getter
  private ReceiverTlsSpec tls;

  public Integer getReplicas() {
    return replicas == null ? 2 : replicas;
  }

  /** The Service port: as written, else 443 with tls and 80 without. */
  @JsonIgnore
  public Integer getPort() {
    return port != null ? port : tls != null ? 443 : 80;
  }

  public String getPath() {
    return path == null ? "/webhook" : path;
  }

  public Integer getMaxBodyBytes() {
    return maxBodyBytes == null ? 1048576 : maxBodyBytes;
  }

  public String getAckTimeout() {
    return ackTimeout == null ? "10s" : ackTimeout;
  }
}
