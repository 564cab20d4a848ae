package io.twinlog.operator.source;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What to check on one source replica, and how long the check may take.
 *
 * @param replicaName the replica's name in the spec, used in every message
 * @param host host name or IP of the replica
 * @param port TCP port of the replica
 * @param user the pipeline's CDC user (the one Debezium connects as)
 * @param password its password; never logged, {@link #toString()} redacts it
 * @param minimumRetention the binlog retention the replica must keep; pass the larger of the spec's
 *     minimum and the restart policy's worst-case outage
 * @param connectorServerIds {@code database.server.id}s of the pipeline's connectors, which must
 *     not equal the replica's own {@code server_id}
 * @param enforceRetention raise the retention to the minimum when it is shorter and the grants
 *     permit ({@code SET GLOBAL binlog_expire_logs_seconds})
 * @param connectTimeout TCP connect and handshake timeout
 * @param readTimeout timeout of every single read from the server
 * @param tls how the connection is protected ({@code spec.source.tls})
 */
public record SourceCheckRequest(
    String replicaName,
    String host,
    int port,
    String user,
    String password,
    Duration minimumRetention,
    Set<Long> connectorServerIds,
    boolean enforceRetention,
    Duration connectTimeout,
    Duration readTimeout,
    SourceTls tls)
    implements CheckTarget {

  /** Defaults for the timeouts when the caller has no opinion. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

  public SourceCheckRequest {
    Objects.requireNonNull(replicaName, "replicaName");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(minimumRetention, "minimumRetention");
    connectorServerIds = connectorServerIds == null ? Set.of() : Set.copyOf(connectorServerIds);
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    readTimeout = readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout;
    tls = tls == null ? SourceTls.DEFAULT : tls;
  }

  /** A request with the drivers' default TLS. */
  public SourceCheckRequest(
      String replicaName,
      String host,
      int port,
      String user,
      String password,
      Duration minimumRetention,
      Set<Long> connectorServerIds,
      boolean enforceRetention,
      Duration connectTimeout,
      Duration readTimeout) {
    this(
        replicaName,
        host,
        port,
        user,
        password,
        minimumRetention,
        connectorServerIds,
        enforceRetention,
        connectTimeout,
        readTimeout,
        SourceTls.DEFAULT);
  }

  /** The same request over {@code tls}. */
  public SourceCheckRequest withTls(SourceTls tls) {
    return new SourceCheckRequest(
        replicaName,
        host,
        port,
        user,
        password,
        minimumRetention,
        connectorServerIds,
        enforceRetention,
        connectTimeout,
        readTimeout,
        tls);
  }

  /** Coalescing key: two requests with this key hit the same server as the same user. */
  String target() {
    return user + "@" + host + ":" + port;
  }

  /** The same request with other timeouts. */
  public SourceCheckRequest withTimeouts(Duration connect, Duration read) {
    return new SourceCheckRequest(
        replicaName,
        host,
        port,
        user,
        password,
        minimumRetention,
        connectorServerIds,
        enforceRetention,
        connect,
        read,
        tls);
  }

  /** The same request with {@code enforceRetention} set. */
  public SourceCheckRequest withEnforceRetention(boolean enforce) {
    return new SourceCheckRequest(
        replicaName,
        host,
        port,
        user,
        password,
        minimumRetention,
        connectorServerIds,
        enforce,
        connectTimeout,
        readTimeout,
        tls);
  }

  @Override
  public String toString() {
    return "SourceCheckRequest[replicaName="
        + replicaName
        + ", target="
        + target()
        + ", password=***, minimumRetention="
        + minimumRetention
        + ", connectorServerIds="
        + connectorServerIds
        + ", enforceRetention="
        + enforceRetention
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", tls="
        + tls
        + "]";
  }
}
