package io.twinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A MariaDB primary and N GTID replicas as real {@code mariadbd} processes on 127.0.0.1, with a
 * {@code cdc} user holding the grants Debezium needs (replicated from the primary to every
 * replica).
 */
public final class MariaDbCluster implements AutoCloseable {

  /** The CDC account Debezium connects as (created on the primary, replicated everywhere). */
  public static final String CDC_USER = "cdc";

  public static final String CDC_PASSWORD = "cdc-secret";

  /** The grants of {@link #CDC_USER}: what Debezium's MariaDB connector documents for 11.4. */
  public static final String CDC_GRANTS =
      "SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR,"
          + " REPLICA MONITOR";

  static final String REPL_USER = "repl";
  static final String REPL_PASSWORD = "repl-secret";

  private final Path root;
  private final List<String> allFlags;
  // Every server ever started, closed with the cluster (an added replica too).
  private final List<MariaDbServer> servers = new CopyOnWriteArrayList<>();
  private final List<MariaDbServer> replicas = new CopyOnWriteArrayList<>();
  private volatile MariaDbServer primary;

  private MariaDbCluster(
      Path root, MariaDbServer primary, List<MariaDbServer> replicas, List<String> allFlags) {
    this.root = root;
    this.primary = primary;
    this.allFlags = List.copyOf(allFlags);
    this.replicas.addAll(replicas);
    this.servers.addAll(replicas);
    this.servers.add(primary);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The server all writes go to: server_id 1, or the replica last {@link #promote}d. */
  public MariaDbServer primary() {
    return primary;
  }

  /**
   * A failover: replica {@code i} stops replicating, forgets its primary and becomes the primary
   * (writes go to it from now on, under its own server id; with {@code gtid_strict_mode} its
   * transactions continue the sequence numbers after the last one it applied, so they reuse those
   * of any transactions of the old primary it lacked). The old primary is left as it is (kill it
   * first to imitate its loss); other replicas keep their primary until {@link #repoint}. {@link
   * #replicas()} keeps its order, the promoted server included.
   */
  public MariaDbServer promote(int i) {
    MariaDbServer promoted = replica(i);
    promoted.execute("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = OFF");
    primary = promoted;
    return promoted;
  }

  /**
   * Points replica {@code i} at the current {@link #primary()} by GTID ({@code
   * MASTER_USE_GTID=slave_pos}) and starts replication. A replica holding transactions the new
   * primary never had cannot follow it: with {@code gtid_strict_mode} its replication stops with
   * error 1236, which {@link MariaDbServer#replicationError()} then tells.
   */
  public void repoint(int i) {
    MariaDbServer replica = replica(i);
    replica.execute("STOP SLAVE", changeMasterTo(primary), "START SLAVE");
  }

  private static String changeMasterTo(MariaDbServer primary) {
    return "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT="
        + primary.port()
        + ", MASTER_USER='"
        + REPL_USER
        + "', MASTER_PASSWORD='"
        + REPL_PASSWORD
        + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_SSL=0";
  }

  /**
   * Starts one more GTID replica of the current {@link #primary()} on a running cluster, as {@link
   * Builder#start} starts its replicas: a fresh data directory, the same flags as every server (the
   * builder's {@link Builder#flags}) plus {@code flags}, the next free server_id, {@code CHANGE
   * MASTER TO ... MASTER_USE_GTID=slave_pos} from an empty position. It replays the primary's
   * binlog from its first transaction (the users included: the servers keep their whole binlog
   * unless a test purges it), and this waits until it has caught up with the primary's position of
   * now. It is appended to {@link #replicas()} and stopped with the cluster, or earlier by {@link
   * #removeReplica}.
   */
  public MariaDbServer addReplica(Duration timeout, String... flags) {
    int serverId = servers.stream().mapToInt(MariaDbServer::serverId).max().orElse(1) + 1;
    String name =
        "replica-" + (serverId - 1); // as the builder names them: server_id 2 is replica-1
    Path dir = root.resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> own = new ArrayList<>(allFlags);
    own.addAll(List.of(flags));
    MariaDbServer replica = new MariaDbServer(name, serverId, dir, own);
    servers.add(replica);
    replica.start();
    replica.execute(changeMasterTo(primary), "START SLAVE");
    try {
      awaitReplicaCaughtUp(replica, timeout);
    } catch (RuntimeException e) {
      // e.g. error 1236 when a purge took away the start of the primary's binlog
      throw new IllegalStateException(
          name + " did not catch up; replication error: " + replica.replicationError(), e);
    }
    replicas.add(replica);
    return replica;
  }

  /** {@link #addReplica(Duration, String...)} with 60 s to catch up and no flags of its own. */
  public MariaDbServer addReplica() {
    return addReplica(Duration.ofSeconds(60));
  }

  /**
   * Kills {@code replica} and takes it out of {@link #replicas()} (its data directory goes with the
   * cluster), so that later users of a shared cluster see the replicas they had before.
   */
  public void removeReplica(MariaDbServer replica) {
    if (replica == primary) {
      throw new IllegalArgumentException(replica.name() + " is the primary");
    }
    replica.kill();
    replicas.remove(replica);
  }

  /** The replicas, server_id 2, 3, ... in order (a snapshot: added replicas last). */
  public List<MariaDbServer> replicas() {
    return List.copyOf(replicas);
  }

  /** Replica {@code i} (0-based). */
  public MariaDbServer replica(int i) {
    return replicas.get(i);
  }

  /** Waits until every running replica has applied everything in the primary's binlog. */
  public void awaitReplicasCaughtUp(Duration timeout) {
    for (MariaDbServer replica : replicas) {
      if (replica.isRunning() && replica != primary) {
        awaitReplicaCaughtUp(replica, timeout);
      }
    }
  }

  /** Waits until {@code replica}'s {@code gtid_slave_pos} covers the primary's binlog position. */
  public void awaitReplicaCaughtUp(MariaDbServer replica, Duration timeout) {
    if (replica == primary) {
      return;
    }
    String target = primary.gtidBinlogPos();
    if (target == null || target.isEmpty()) {
      return;
    }
    String result =
        replica.queryString(
            "SELECT MASTER_GTID_WAIT('" + target + "', " + timeout.toMillis() / 1000.0 + ")");
    if (!"0".equals(result)) {
      throw new IllegalStateException(
          replica.name()
              + " did not reach primary position "
              + target
              + " within "
              + timeout
              + "; it is at "
              + replica.gtidSlavePos()
              + "; error log:\n"
              + replica.errorLogTail());
    }
  }

  /** Stops every server and deletes all data directories. */
  @Override
  public void close() {
    servers.forEach(MariaDbServer::kill);
    EmbeddedConnect.deleteRecursively(root);
  }

  /** Configures and starts a cluster. */
  public static final class Builder {
    private int replicas = 2;
    private final List<String> allFlags = new ArrayList<>();
    private final List<String> primaryFlags = new ArrayList<>();
    private final Map<Integer, List<String>> replicaFlags = new HashMap<>();

    /** Number of replicas (default 2; 0 gives a lone server). */
    public Builder replicas(int count) {
      this.replicas = count;
      return this;
    }

    /**
     * Extra {@code mariadbd} flags for every server, e.g. {@code
     * --binlog-expire-logs-seconds=3600}.
     */
    public Builder flags(String... flags) {
      allFlags.addAll(List.of(flags));
      return this;
    }

    /** Extra flags for the primary only. */
    public Builder primaryFlags(String... flags) {
      primaryFlags.addAll(List.of(flags));
      return this;
    }

    /** Extra flags for replica {@code i} (0-based), e.g. {@code --binlog-format=STATEMENT}. */
    public Builder replicaFlags(int i, String... flags) {
      replicaFlags.computeIfAbsent(i, k -> new ArrayList<>()).addAll(List.of(flags));
      return this;
    }

    /** Starts all servers in parallel, creates the users on the primary and starts replication. */
    public MariaDbCluster start() {
      Path root;
      try {
        root = Files.createTempDirectory("twinlog-mariadb-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<MariaDbServer> servers = new ArrayList<>();
      try {
        MariaDbServer primary = server(root, "primary", 1, primaryFlags);
        servers.add(primary);
        for (int i = 0; i < replicas; i++) {
          servers.add(
              server(root, "replica-" + (i + 1), i + 2, replicaFlags.getOrDefault(i, List.of())));
        }
        // Binaries and template first, so the parallel launches do not race to build them.
        MariaDbBinaries.templateDatadir();
        servers.forEach(MariaDbServer::launch);
        servers.forEach(s -> s.awaitReady(Duration.ofSeconds(60)));
        primary.execute(
            "CREATE USER '" + REPL_USER + "'@'127.0.0.1' IDENTIFIED BY '" + REPL_PASSWORD + "'",
            "GRANT REPLICATION SLAVE ON *.* TO '" + REPL_USER + "'@'127.0.0.1'",
            "CREATE USER '" + CDC_USER + "'@'%' IDENTIFIED BY '" + CDC_PASSWORD + "'",
            "GRANT " + CDC_GRANTS + " ON *.* TO '" + CDC_USER + "'@'%'");
        for (MariaDbServer replica : servers.subList(1, servers.size())) {
          replica.execute(changeMasterTo(primary), "START SLAVE");
        }
        MariaDbCluster cluster =
            new MariaDbCluster(root, primary, servers.subList(1, servers.size()), allFlags);
        cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
        return cluster;
      } catch (RuntimeException e) {
        servers.forEach(MariaDbServer::kill);
        EmbeddedConnect.deleteRecursively(root);
        throw e;
      }
    }

    private MariaDbServer server(Path root, String name, int serverId, List<String> own) {
      Path dir = root.resolve(name);
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> flags = new ArrayList<>(allFlags);
      flags.addAll(own);
      return new MariaDbServer(name, serverId, dir, flags);
    }
  }
}
