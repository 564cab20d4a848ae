package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The Strimzi clusters a pipeline runs on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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

  @JsonPropertyDescription(
      "Kafka bootstrap servers (host:port[,host:port]) for the dedup runtime and the connectors'"
          + " schema history. Default: <cluster>-kafka-bootstrap:9092.")
  @Pattern("^[^\\s,]+:[0-9]+(,[^\\s,]+:[0-9]+)*$")
  @Size(max = 1024)
  private String bootstrapServers;

  public String getCluster() {
    return cluster;
  }

  public void setCluster(String cluster) {
    this.cluster = cluster;
  }

  public String getConnectCluster() {
    return connectCluster;
  }

  public void setConnectCluster(String connectCluster) {
    this.connectCluster = connectCluster;
  }

  /** The bootstrap servers as written in the spec, or null. */
  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }
}
