package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/** The Strimzi clusters a pipeline runs on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.authentication) || self.authentication.type != 'tls' || has(self.tls)",
    message = "authentication type tls (mutual TLS) needs tls",
    fieldPath = ".authentication")
@Getter
@Setter
public class KafkaSpec {

  @JsonPropertyDescription(
      "Name of the Strimzi Kafka resource (in the pipeline's namespace). KafkaTopics created by"
          + " Twinlog carry the label strimzi.io/cluster=<cluster>.")
  @Required
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  private String cluster;

  @JsonPropertyDescription(
      "Name of the Strimzi KafkaConnect resource that runs the connectors; it needs the Debezium"
          + " MySQL/MariaDB and Twinlog ERP sink plugins and the 'secrets' config provider"
          + " (io.strimzi.kafka.KubernetesSecretConfigProvider).")
  @Required
  @Pattern(ApiPatterns.DNS_SUBDOMAIN)
  @Size(min = 1, max = 253)
  private String connectCluster;

  /** The bootstrap servers as written in the spec, or null. */
  @JsonPropertyDescription(
      "Kafka bootstrap servers (host:port[,host:port]) for the dedup runtime, the connectors'"
          + " schema history and the operator's own reads. Default: <cluster>-kafka-bootstrap:9092,"
          + " or :9093 with tls (Strimzi's plain and tls listener ports by convention).")
  @Pattern("^[^\\s,]+:[0-9]+(,[^\\s,]+:[0-9]+)*$")
  @Size(max = 1024)
  private String bootstrapServers;

  /** TLS as written in the spec, or null for a plain listener. */
  @JsonPropertyDescription(
      "TLS to the listener (Strimzi's tls: true), verified against the cluster CA. Absent: a"
          + " plain listener.")
  private KafkaTlsSpec tls;

  /** Authentication as written in the spec, or null for none. */
  @JsonPropertyDescription(
      "The KafkaUser the pipeline's clients authenticate as (the listener's authentication)."
          + " Absent: none.")
  private KafkaAuthenticationSpec authentication;
}
