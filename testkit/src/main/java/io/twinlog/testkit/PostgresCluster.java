package io.twinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL primary and N streaming standbys as real postmasters on 127.0.0.1: {@code
 * wal_level=logical}, each standby on its own physical slot on the primary and with {@code
 * hot_standby_feedback}, so that each can serve a logical slot of its own (PostgreSQL 16+). The
 * primary holds a database {@link #DATABASE} and a {@link #CDC_USER} with the REPLICATION
 * attribute, both replicated to every standby.
 */
public final class PostgresCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);

  /** The CDC account Debezium connects as (LOGIN REPLICATION, SELECT on {@code public}). */
  public static final String CDC_USER = "cdc";

  public static final String CDC_PASSWORD = "cdc-secret";

  /** The application database, created on the primary. */
  public static final String DATABASE = "shop";

  private final Path root;
  private final List<PostgresServer> servers;
  private final List<PostgresServer> standbys;
  private volatile PostgresServer primary;

  private PostgresCluster(Path root, PostgresServer primary, List<PostgresServer> standbys) {
    this.root = root;
    this.primary = primary;
    this.standbys = List.copyOf(standbys);
    List<PostgresServer> all = new ArrayList<>(standbys);
    all.add(primary);
    this.servers = List.copyOf(all);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The physical slot on the primary that standby {@code i} (0-based) streams through. */
  public static String physicalSlotName(int i) {
    return "standby_" + (i + 1);
  }

  /** The server all writes go to: the initial primary, or the standby last {@link #promote}d. */
  public PostgresServer primary() {
    return primary;
  }

  /** The standbys in order; a promoted one stays in its place. */
  public List<PostgresServer> standbys() {
    return standbys;
  }

  /** Standby {@code i} (0-based). */
  public PostgresServer standby(int i) {
    return standbys.get(i);
  }

  /** Waits until every running standby (not the primary) has replayed the primary's WAL. */
  public void awaitStandbysCaughtUp(Duration timeout) {
    for (PostgresServer standby : standbys) {
      if (standby.isRunning() && standby != primary) {
        awaitStandbyCaughtUp(standby, timeout);
      }
    }
  }

  /**
   * Waits until {@code pg_last_wal_replay_lsn()} on {@code standby} reaches the primary's {@code
   * pg_current_wal_lsn()} as read now.
   */
  public void awaitStandbyCaughtUp(PostgresServer standby, Duration timeout) {
    if (standby == primary) {
      return;
    }
    String target = primary.queryString("SELECT pg_current_wal_lsn()");
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    String at = null;
    while (System.nanoTime() < deadline) {
      at = standby.queryString("SELECT pg_last_wal_replay_lsn()");
      if (at != null
          && "t".equals(standby.queryString("SELECT '" + at + "'::pg_lsn >= '" + target + "'"))) {
        LOG.info(
            "{} replayed up to {} (waited {} ms)",
            standby,
            target,
            (System.nanoTime() - t0) / 1_000_000);
        return;
      }
      sleep(50);
    }
    throw new IllegalStateException(
        standby.name()
            + " did not replay up to "
            + target
            + " within "
            + timeout
            + "; it is at "
            + at
            + "; log:\n"
            + standby.logTail());
  }

  /**
   * Creates the logical slot {@code slot} (plugin {@code plugin}) in {@link #DATABASE} on {@code
   * server}. On a standby the creation waits for a running-xacts record from the primary, which an
   * idle primary writes only every 15 s; this asks the primary for one ({@code
   * pg_log_standby_snapshot()}) until the slot exists. Returns the slot's {@code lsn}.
   */
  public String createLogicalSlot(PostgresServer server, String slot, String plugin) {
    String sql =
        "SELECT lsn FROM pg_create_logical_replication_slot('" + slot + "', '" + plugin + "')";
    if (server == primary) {
      return server.queryStringIn(DATABASE, sql);
    }
    CompletableFuture<String> creation =
        CompletableFuture.supplyAsync(() -> server.queryStringIn(DATABASE, sql));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        primary.queryString("SELECT pg_log_standby_snapshot()");
        try {
          return creation.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // not yet: ask again
        }
      }
      throw new IllegalStateException(server.name() + ": slot " + slot + " not created in 60 s");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A failover: standby {@code i} leaves recovery ({@code pg_promote}, waiting up to 60 s) and
   * starts a new timeline; writes go to it from now on. The old primary is left as it is (kill it
   * first to imitate its loss); other standbys keep streaming from it until {@link #repoint}.
   */
  public PostgresServer promote(int i) {
    PostgresServer promoted = standby(i);
    if (!"t".equals(promoted.queryString("SELECT pg_promote(true, 60)"))) {
      throw new IllegalStateException(
          promoted.name() + " not promoted; log:\n" + promoted.logTail());
    }
    primary = promoted;
    return promoted;
  }

  /**
   * Points standby {@code i} at the current {@link #primary()}: creates its physical slot there (if
   * missing), changes {@code primary_conninfo} and reloads. The standby follows the new timeline
   * ({@code recovery_target_timeline=latest}) only if it has not replayed past the point where that
   * timeline forked; its log then says so.
   */
  public void repoint(int i) {
    PostgresServer standby = standby(i);
    String slot = physicalSlotName(i);
    primary.queryString(
        "SELECT count(pg_create_physical_replication_slot('"
            + slot
            + "', true)) FROM (SELECT 1 WHERE NOT EXISTS"
            + " (SELECT 1 FROM pg_replication_slots WHERE slot_name = '"
            + slot
            + "')) AS missing");
    standby.setting("primary_conninfo", primary.conninfo() + " application_name=" + slot);
    standby.reload();
  }

  /** Stops every server (SIGKILL: the data is thrown away) and deletes all data directories. */
  @Override
  public void close() {
    servers.forEach(PostgresServer::kill);
    EmbeddedConnect.deleteRecursively(root);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Configures and starts a cluster. */
  public static final class Builder {
    private int standbys = 2;
    private final Map<String, String> allSettings = new LinkedHashMap<>();
    private final Map<String, String> primarySettings = new LinkedHashMap<>();
    private final Map<Integer, Map<String, String>> standbySettings = new HashMap<>();
    private TestCertificates.ServerCertificate tls;
    private final Map<Integer, TestCertificates.ServerCertificate> standbyTls = new HashMap<>();
    private final Set<String> tlsOnlyUsers = new LinkedHashSet<>();

    /** Number of standbys (default 2; 0 gives a lone primary). */
    public Builder standbys(int count) {
      this.standbys = count;
      return this;
    }

    /**
     * A server setting for every server, e.g. {@code max_slot_wal_keep_size}, {@code 64MB}. A
     * standby refuses to start with less {@code max_connections}, {@code max_wal_senders}, {@code
     * max_worker_processes}, {@code max_prepared_transactions} or {@code max_locks_per_transaction}
     * than its primary: raise those here, for all, or on purpose not.
     */
    public Builder setting(String name, String value) {
      allSettings.put(name, value);
      return this;
    }

    /** A setting for the primary only (after those of {@link #setting}). */
    public Builder primarySetting(String name, String value) {
      primarySettings.put(name, value);
      return this;
    }

    /** A setting for standby {@code i} (0-based) only, e.g. {@code hot_standby_feedback=off}. */
    public Builder standbySetting(int i, String name, String value) {
      standbySettings.computeIfAbsent(i, k -> new LinkedHashMap<>()).put(name, value);
      return this;
    }

    /**
     * TLS on every server ({@code ssl = on}) with {@code certificate}; plain connections are still
     * accepted unless a user is {@link #tlsOnlyUser}. The standbys' own replication uses TLS too
     * (libpq prefers it).
     */
    public Builder tls(TestCertificates.ServerCertificate certificate) {
      this.tls = certificate;
      return this;
    }

    /** TLS on standby {@code i} (0-based) only; see {@link #tls}. */
    public Builder standbyTls(int i, TestCertificates.ServerCertificate certificate) {
      standbyTls.put(i, certificate);
      return this;
    }

    /**
     * {@code user} may log in to every server over TCP only with TLS ({@code hostssl} lines for it,
     * no {@code host} line), to a server without TLS not at all; the role itself is the caller's to
     * create.
     */
    public Builder tlsOnlyUser(String user) {
      tlsOnlyUsers.add(user);
      return this;
    }

    /**
     * Copies the machine's {@code initdb} template to the primary and, cleanly stopped as it is, to
     * every standby, starts the primary, creates the CDC user, {@link #DATABASE} and the physical
     * slots, then starts the standbys and waits until they caught up.
     */
    public PostgresCluster start() {
      long t0 = System.nanoTime();
      Path root;
      try {
        root = Files.createTempDirectory(PostgresBinaries.scratchDir(), "twinlog-pg-");
        // The server user must reach its own directories below this one.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<PostgresServer> servers = new ArrayList<>();
      try {
        PostgresServer primary =
            new PostgresServer("primary", root.resolve("primary"), settings(primarySettings));
        servers.add(primary);
        List<PostgresServer> standbyServers = new ArrayList<>();
        for (int i = 0; i < standbys; i++) {
          Map<String, String> own = new LinkedHashMap<>();
          own.put(
              "primary_conninfo", primary.conninfo() + " application_name=" + physicalSlotName(i));
          own.put("primary_slot_name", physicalSlotName(i));
          own.putAll(standbySettings.getOrDefault(i, Map.of()));
          PostgresServer standby =
              new PostgresServer(
                  "standby-" + (i + 1), root.resolve("standby-" + (i + 1)), settings(own));
          standbyServers.add(standby);
          servers.add(standby);
        }
        // initdb leaves a cleanly shut down cluster: a copy of it is a valid base backup for the
        // standbys as for the primary (the same system identifier, the same checkpoint).
        PostgresBinaries.templateDatadir();
        servers.parallelStream().forEach(PostgresServer::initFromTemplate);
        if (tls != null) {
          servers.forEach(s -> s.useTls(tls));
        }
        standbyTls.forEach((i, certificate) -> standbyServers.get(i).useTls(certificate));
        if (!tlsOnlyUsers.isEmpty()) {
          servers.forEach(s -> s.onlyOverTls(tlsOnlyUsers));
        }
        standbyServers.forEach(PostgresServer::makeStandby);
        primary.start();
        primary.execute(
            "CREATE ROLE " + CDC_USER + " WITH LOGIN REPLICATION PASSWORD '" + CDC_PASSWORD + "'",
            "CREATE DATABASE " + DATABASE);
        primary.executeIn(
            DATABASE,
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + CDC_USER,
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + CDC_USER);
        for (int i = 0; i < standbys; i++) {
          // Reserved now: the primary keeps every WAL segment the standby has yet to stream.
          primary.queryString(
              "SELECT pg_create_physical_replication_slot('" + physicalSlotName(i) + "', true)");
        }
        standbyServers.forEach(PostgresServer::launch);
        standbyServers.forEach(s -> s.awaitReady(Duration.ofSeconds(60)));
        PostgresCluster cluster = new PostgresCluster(root, primary, standbyServers);
        cluster.awaitStandbysCaughtUp(Duration.ofSeconds(30));
        LOG.info(
            "PostgreSQL primary and {} standbys started in {} ms",
            standbys,
            (System.nanoTime() - t0) / 1_000_000);
        return cluster;
      } catch (RuntimeException e) {
        servers.forEach(PostgresServer::kill);
        EmbeddedConnect.deleteRecursively(root);
        throw e;
      }
    }

    private Map<String, String> settings(Map<String, String> own) {
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("wal_level", "logical");
      settings.put("max_wal_senders", "20");
      settings.put("max_replication_slots", "20");
      // max_connections stays initdb's 100: a standby needs at least its primary's value, and the
      // copied control file holds initdb's.
      settings.put("shared_buffers", "32MB");
      // Test data need not survive a power cut (a SIGKILL keeps the OS page cache).
      settings.put("fsync", "off");
      // Standbys only (ignored on a primary): queries and logical slots there hold back the
      // primary's vacuum, and replay is reported within a second.
      settings.put("hot_standby", "on");
      settings.put("hot_standby_feedback", "on");
      settings.put("wal_receiver_status_interval", "1s");
      settings.put("wal_retrieve_retry_interval", "500ms");
      settings.put("log_line_prefix", "%m [%p] %b ");
      settings.put("log_replication_commands", "on");
      settings.putAll(allSettings);
      settings.putAll(own);
      return settings;
    }
  }
}
