package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** One database replica, read by its own Debezium connector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class ReplicaSpec {

  /** Largest MySQL/MariaDB server id. */
  public static final long MAX_SERVER_ID = 4294967295L;

  /** Longest replica name. */
  public static final int MAX_NAME_LENGTH = 63;

  @JsonPropertyDescription(
      "Name of the source, a DNS label unique in the pipeline; part of the connector's name and"
          + " topic prefix.")
  @Required
  @Pattern(ApiPatterns.DNS_LABEL)
  @Size(min = 1, max = MAX_NAME_LENGTH)
  private String name;

  @JsonPropertyDescription("Host name or IP address of the replica.")
  @Required
  @Pattern("^[^\\s:/]+$")
  @Size(min = 1, max = 253)
  private String host;

  /** The port as written; {@link SourceSpec#port} applies the source type's default. */
  @JsonPropertyDescription(
      "Port of the replica. Default: 3306 for mysql and mariadb, 5432 for postgresql.")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "MySQL and MariaDB only (required there; PostgreSQL has none): the connector's"
          + " database.server.id, unique among the pipeline's replicas and among all servers and"
          + " clients replicating from the same primary.")
  @Min(1)
  @Max(MAX_SERVER_ID)
  private Long serverId;
}
