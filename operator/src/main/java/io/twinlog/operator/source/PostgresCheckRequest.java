package io.twinlog.operator.source;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to check on one PostgreSQL server (a primary or a streaming standby), and how long the check
 * may take.
 *
 * @param replicaName the replica's name in the spec, used in every message
 * @param host host name or IP of the server
 * @param port TCP port of the server
 * @param user the pipeline's CDC user (the one Debezium connects as)
 * @param password its password; never logged, {@link #toString()} redacts it
 * @param database the captured database ({@code spec.source.include.databases[0]}); the slot is
 *     bound to it
 * @param slotName the pipeline's logical replication slot on this server
 * @param publication the publication the connector reads ({@code
 *     spec.source.postgresql.publication})
 * @param tables the captured tables as {@code schema.table}
 * @param publicationAutocreate true when Debezium creates the publication itself ({@code
 *     publicationAutocreate: filtered}), so a missing one on a primary is not yet a problem
 * @param connectTimeout TCP connect and login timeout
 * @param readTimeout timeout of every single read from the server
 * @param tls how the connection is protected ({@code spec.source.tls})
 */
public record PostgresCheckRequest(
    String replicaName,
    String host,
    int port,
    String user,
    String password,
    String database,
    String slotName,
    String publication,
    List<String> tables,
    boolean publicationAutocreate,
    Duration connectTimeout,
    Duration readTimeout,
    SourceTls tls)
    implements CheckTarget {

  /** The publication when the spec names none. */
  public static final String DEFAULT_PUBLICATION = "twinlog";

  public PostgresCheckRequest {
    Objects.requireNonNull(replicaName, "replicaName");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(slotName, "slotName");
    publication = publication == null ? DEFAULT_PUBLICATION : publication;
    tables = tables == null ? List.of() : List.copyOf(tables);
    connectTimeout =
        connectTimeout == null ? SourceCheckRequest.DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    readTimeout = readTimeout == null ? SourceCheckRequest.DEFAULT_READ_TIMEOUT : readTimeout;
    tls = tls == null ? SourceTls.DEFAULT : tls;
  }

  /** A request with pgjdbc's default TLS. */
  public PostgresCheckRequest(
      String replicaName,
      String host,
      int port,
      String user,
      String password,
      String database,
      String slotName,
      String publication,
      List<String> tables,
      boolean publicationAutocreate,
      Duration connectTimeout,
      Duration readTimeout) {
    this(
        replicaName,
        host,
        port,
        user,
        password,
        database,
        slotName,
        publication,
        tables,
        publicationAutocreate,
        connectTimeout,
        readTimeout,
        SourceTls.DEFAULT);
  }

  /** The same request over {@code tls}. */
  public PostgresCheckRequest withTls(SourceTls tls) {
    return new PostgresCheckRequest(
        replicaName,
        host,
        port,
        user,
        password,
        database,
        slotName,
        publication,
        tables,
        publicationAutocreate,
        connectTimeout,
        readTimeout,
        tls);
  }

  /** The same request with other timeouts. */
  public PostgresCheckRequest withTimeouts(Duration connect, Duration read) {
    return new PostgresCheckRequest(
        replicaName,
        host,
        port,
        user,
        password,
        database,
        slotName,
        publication,
        tables,
        publicationAutocreate,
        connect,
        read,
        tls);
  }

  @Override
  public String toString() {
    return "PostgresCheckRequest[replicaName="
        + replicaName
        + ", target="
        + user
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database
        + ", password=***, slotName="
        + slotName
        + ", publication="
        + publication
        + ", tables="
        + tables
        + ", publicationAutocreate="
        + publicationAutocreate
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", tls="
        + tls
        + "]";
  }
}
