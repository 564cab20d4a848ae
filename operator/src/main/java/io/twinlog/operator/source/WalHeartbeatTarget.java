package io.twinlog.operator.source;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a PostgreSQL pipeline's WAL heartbeat goes: the primary among its replicas, or the one a
 * standby streams from, in the captured database, as the pipeline's CDC user.
 *
 * @param pipeline {@code namespace/name}, written into every message and used in messages
 * @param replicas the pipeline's replicas in spec order; the primary is looked for among them first
 * @param user the pipeline's CDC user (the one Debezium connects as)
 * @param password its password; never logged, {@link #toString()} redacts it
 * @param database the captured database: a logical message is decoded only by slots of the database
 *     it was written in
 * @param prefix the message prefix, which the connectors exclude from their records
 * @param connectTimeout TCP connect and login timeout per server
 * @param readTimeout timeout of every read from a server
 * @param tls how the connections are protected ({@code spec.source.tls})
 */
public record WalHeartbeatTarget(
    String pipeline,
    List<Server> replicas,
    String user,
    String password,
    String database,
    String prefix,
    Duration connectTimeout,
    Duration readTimeout,
    SourceTls tls) {

  /** Connect and read timeout when none is given: a beat must not hold a thread for long. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public WalHeartbeatTarget {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(prefix, "prefix");
    replicas = List.copyOf(replicas);
    connectTimeout = connectTimeout == null ? DEFAULT_TIMEOUT : connectTimeout;
    readTimeout = readTimeout == null ? DEFAULT_TIMEOUT : readTimeout;
    tls = tls == null ? SourceTls.DEFAULT : tls;
  }

  /**
   * One PostgreSQL server.
   *
   * @param name the replica's name in the spec; null for a server found as a standby's sender
   * @param via for a server found as a standby's sender, that standby's label; else null
   */
  public record Server(String name, String host, int port, String via) {
    public Server {
      Objects.requireNonNull(host, "host");
    }

    /** A replica of the spec. */
    public static Server replica(String name, String host, int port) {
      return new Server(name, host, port, null);
    }

    /** {@code host:port}, host in lower case: what identifies a server across names. */
    public String address() {
      return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** {@code standby-a (pg-a.db:5432)}, or {@code 10.0.0.5:5432 (standby-a's primary)}. */
    public String label() {
      if (name != null) {
        return name + " (" + host + ":" + port + ")";
      }
      return host + ":" + port + (via == null ? "" : " (the primary " + via + " streams from)");
    }
  }

  @Override
  public String toString() {
    return "WalHeartbeatTarget[pipeline="
        + pipeline
        + ", replicas="
        + replicas
        + ", user="
        + user
        + ", password=***, database="
        + database
        + ", prefix="
        + prefix
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + "]";
  }
}
