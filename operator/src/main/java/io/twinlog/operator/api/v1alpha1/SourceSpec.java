package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import lombok.Getter;
import lombok.Setter;

/** The source database and the replicas it is read from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.type == 'postgresql' || self.include.tables.all(t,"
            + " self.include.databases.exists(d, t.startsWith(d + '.')))",
    message = "every table must belong to one of the included databases",
    fieldPath = ".include.tables")
@ValidationRule(
    value = "self.type != 'postgresql' || size(self.include.databases) == 1",
    message = "a PostgreSQL source reads one database: list exactly one",
    fieldPath = ".include.databases")
@ValidationRule(
    value = "self.type == 'postgresql' || self.replicas.all(r, has(r.serverId))",
    message = "every MySQL or MariaDB replica needs a serverId",
    fieldPath = ".replicas")
@ValidationRule(
    value = "self.type != 'postgresql' || self.replicas.all(r, !has(r.serverId))",
    message = "PostgreSQL replicas have no serverId",
    fieldPath = ".replicas")
@ValidationRule(
    value = "self.type == 'postgresql' || !has(self.postgresql)",
    message = "postgresql settings apply to a postgresql source only",
    fieldPath = ".postgresql")
@ValidationRule(
    value =
        "self.type != 'postgresql' || !has(self.snapshot) || !has(self.snapshot.mode) ||"
            + " self.snapshot.mode != 'recovery'",
    message =
        "snapshot mode recovery rebuilds a schema history, which PostgreSQL sources have none of",
    fieldPath = ".snapshot.mode")
@ValidationRule(
    value =
        "!has(self.snapshot) || !has(self.snapshot.leader) ||"
            + " self.replicas.exists(r, r.name == self.snapshot.leader)",
    message = "the snapshot leader must be one of the replicas",
    fieldPath = ".snapshot.leader")
@Setter
public class SourceSpec {

  /** Most replicas a pipeline may read from. */
  public static final int MAX_REPLICAS = 5;

  @JsonPropertyDescription(
      "Database flavour: mysql (Debezium's MySQL connector), mariadb (Debezium's MariaDB"
          + " connector) or postgresql (16 or later: Debezium's PostgreSQL connector with"
          + " pgoutput, one logical replication slot per replica).")
  @Required
  @Getter
  @ValidationRule(
      value = "self == oldSelf",
      message =
          "cannot change on an existing pipeline: its offsets, schema history and change ids"
              + " belong to the old database kind; create a new CdcPipeline for the new source")
  private SourceType type;

  @JsonPropertyDescription("Databases and tables to capture.")
  @Required
  @Getter
  private IncludeSpec include;

  @JsonPropertyDescription(
      "Secret (in the pipeline's namespace) holding the replication user's credentials. The"
          + " connectors read it through Strimzi's secrets config provider; its values never"
          + " appear in any resource Twinlog creates.")
  @Required
  @Getter
  private CredentialsSpec credentials;

  @JsonPropertyDescription(
      "Replicas of the same primary, 1 to 5; each is read by its own connector and the"
          + " deduplicator merges their streams, so any one of them may fail. Names and server"
          + " ids must be unique.")
  @Required
  @Size(min = 1, max = MAX_REPLICAS)
  @ValidationRule(
      value = "self.all(r, self.exists_one(x, x.name == r.name))",
      message = "replica names must be unique")
  @ValidationRule(
      value =
          "self.all(r, !has(r.serverId) || self.exists_one(x, has(x.serverId) && x.serverId =="
              + " r.serverId))",
      message = "replica serverIds must be unique")
  private List<ReplicaSpec> replicas = new ArrayList<>();

  @JsonPropertyDescription(
      "How long Debezium waits for more changes before handing a batch to Connect (its"
          + " poll.interval.ms, a duration): the source's share of the latency. Shorter: lower"
          + " latency, more CPU when idle. Default: 50ms (Debezium's own default is 500ms).")
  @Default("50ms")
  @Pattern(ApiPatterns.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = ApiPatterns.IF_DURATION + "duration(self) >= duration('1ms')",
      message = "must be at least 1ms")
  private String pollInterval;

  @JsonPropertyDescription(
      "PostgreSQL only: the publication the connectors read and how it comes to exist.")
  @Getter
  private PostgresSpec postgresql;

  @JsonPropertyDescription(
      "TLS to the replicas, for the connectors and the operator's checks alike. Absent: each"
          + " connector's default (Debezium's MariaDB connector: disable, MySQL: preferred,"
          + " PostgreSQL: prefer; the checks: plain).")
  @Getter
  private SourceTlsSpec tls;

  @JsonPropertyDescription(
      "How the connectors take their initial snapshot. Default: {} (each field at its default).")
  @Default("{}")
  private SnapshotSpec snapshot;

  @JsonPropertyDescription(
      "What happens to a MySQL or MariaDB source whose binlog position was purged or whose schema"
          + " history is missing or does not fit: manual reports it and waits; automatic starts it"
          + " again from a streaming source's position, with no snapshot, up to 3 times"
          + " (docs/concepts/consistent-start.md). Either way annotating its KafkaConnector"
          + " twinlog.io/start-step=waiting re-seeds it once. Default: manual.")
  @Default("manual")
  private ReseedMode reseed;

  @JsonPropertyDescription(
      "Binlog retention the replicas must keep so a stopped connector can resume without losing"
          + " changes, and how often Twinlog checks it. Default: {} (each field at its default).")
  @Default("{}")
  private BinlogRetentionSpec binlogRetention;

  public List<ReplicaSpec> getReplicas() {
    return replicas == null ? List.of() : replicas;
  }

  public String getPollInterval() {
    return pollInterval == null ? "50ms" : pollInterval;
  }

  /** {@link #getPostgresql()}, or its defaults when not set. */
  public PostgresSpec postgresOrDefaults() {
    return postgresql == null ? new PostgresSpec() : postgresql;
  }

  /** The replica's port, or the source type's default when not set. */
  public int port(ReplicaSpec replica) {
    if (replica.getPort() != null) {
      return replica.getPort();
    }
    return type == null ? SourceType.MYSQL.defaultPort() : type.defaultPort();
  }

  public ReseedMode getReseed() {
    return reseed == null ? ReseedMode.MANUAL : reseed;
  }

  public SnapshotSpec getSnapshot() {
    return snapshot == null ? new SnapshotSpec() : snapshot;
  }

  public BinlogRetentionSpec getBinlogRetention() {
    return binlogRetention == null ? new BinlogRetentionSpec() : binlogRetention;
  }
}
