package io.twinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** One {@code mariadbd} process on 127.0.0.1 with its own data directory, binlog and GTIDs on. */
public final class MariaDbServer {

  /** The administrative account: root@127.0.0.1, all privileges, no password. */
  public static final String ADMIN_USER = "root";

  public static final String ADMIN_PASSWORD = "";

  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "mariadb-testkit-reaper"));
  }

  private final String name;
  private final int serverId;
  private final int port;
  private final Path dir;
  private final List<String> extraFlags;
  private Process process;

  MariaDbServer(String name, int serverId, Path dir, List<String> extraFlags) {
    this.name = name;
    this.serverId = serverId;
    this.dir = dir;
    this.extraFlags = List.copyOf(extraFlags);
    this.port = freePort();
  }

  /** E.g. {@code primary}, {@code replica-1}. */
  public String name() {
    return name;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  public int serverId() {
    return serverId;
  }

  /** {@code jdbc:mariadb://127.0.0.1:PORT/} without credentials. */
  public String jdbcUrl() {
    return "jdbc:mariadb://127.0.0.1:" + port + "/";
  }

  /** The server's data directory (binlogs live here). */
  public Path datadir() {
    return dir.resolve("data");
  }

  /** The server's error log, useful in assertion messages. */
  public Path errorLog() {
    return dir.resolve("error.log");
  }

  /** Whether the process is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Starts the process and waits until it accepts connections; the datadir is kept across starts.
   */
  public void start() {
    launch();
    awaitReady(Duration.ofSeconds(60));
  }

  synchronized void launch() {
    if (isRunning()) {
      return;
    }
    try {
      if (!Files.exists(datadir())) {
        copyTree(MariaDbBinaries.templateDatadir(), datadir());
        Files.deleteIfExists(datadir().resolve(".complete"));
      }
      process =
          new ProcessBuilder(command())
              .redirectErrorStream(true)
              .redirectOutput(
                  java.lang.ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
              .start();
      RUNNING.add(process);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  private List<String> command() {
    Path base = MariaDbBinaries.basedir();
    List<String> cmd = new ArrayList<>();
    cmd.add(base.resolve("bin/mariadbd").toString());
    cmd.add("--no-defaults");
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--user=root");
    }
    cmd.add("--basedir=" + base);
    cmd.add("--lc-messages-dir=" + base.resolve("share"));
    cmd.add("--datadir=" + datadir());
    cmd.add("--port=" + port);
    cmd.add("--bind-address=127.0.0.1");
    cmd.add("--socket=" + dir.resolve("mysqld.sock"));
    cmd.add("--pid-file=" + dir.resolve("mysqld.pid"));
    cmd.add("--log-error=" + errorLog());
    cmd.add("--skip-name-resolve");
    cmd.add("--server-id=" + serverId);
    cmd.add("--log-bin=mariadb-bin");
    cmd.add("--relay-log=relay-bin");
    cmd.add("--binlog-format=ROW");
    cmd.add("--binlog-row-image=FULL");
    cmd.add("--gtid-strict-mode=ON");
    cmd.add("--log-slave-updates=ON");
    cmd.add("--gtid-domain-id=0");
    cmd.add("--max-binlog-size=1M");
    cmd.add("--innodb-buffer-pool-size=32M");
    cmd.add("--innodb-log-file-size=8M");
    // Test data need not survive a power cut; fsyncs only slow every test down.
    cmd.add("--innodb-flush-log-at-trx-commit=2");
    cmd.add("--sync-binlog=0");
    cmd.add("--innodb-undo-tablespaces=0");
    cmd.add("--performance-schema=OFF");
    // 11.4 otherwise generates an RSA key at every start: seconds of CPU on a busy machine.
    cmd.add("--skip-ssl");
    cmd.add("--max-connections=100");
    cmd.addAll(extraFlags);
    return cmd;
  }

  void awaitReady(Duration timeout) {
    Awaitility.await(name + " accepts connections on port " + port)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!isRunning()) {
                throw new IllegalStateException(name + " exited; error log:\n" + errorLogTail());
              }
              try (Connection c = connect()) {
                return c.isValid(2);
              } catch (SQLException e) {
                return false;
              }
            });
  }

  /** The last lines of the error log. */
  public String errorLogTail() {
    try {
      List<String> lines = Files.exists(errorLog()) ? Files.readAllLines(errorLog()) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** A new admin connection; the caller closes it. */
  public Connection connect() throws SQLException {
    return connect(ADMIN_USER, ADMIN_PASSWORD);
  }

  /** A new connection as {@code user}; the caller closes it. */
  public Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection(
        jdbcUrl() + "?connectTimeout=5000&allowMultiQueries=false", user, password);
  }

  /** Runs each statement as admin, in order. */
  public void execute(String... sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row of {@code sql}, as a string (null when no row). */
  public String queryString(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** {@code @@gtid_binlog_pos}: the last GTID per domain written to this server's binlog. */
  public String gtidBinlogPos() {
    return queryString("SELECT @@GLOBAL.gtid_binlog_pos");
  }

  /** {@code @@gtid_slave_pos}: the last GTID per domain this server applied as a replica. */
  public String gtidSlavePos() {
    return queryString("SELECT @@GLOBAL.gtid_slave_pos");
  }

  /** {@code @@gtid_current_pos}. */
  public String gtidCurrentPos() {
    return queryString("SELECT @@GLOBAL.gtid_current_pos");
  }

  /** {@code STOP SLAVE}: this replica stops applying the primary's binlog (it lags from now). */
  public void stopReplication() {
    execute("STOP SLAVE");
  }

  /** {@code START SLAVE}: this replica catches up from where it stopped. */
  public void startReplication() {
    execute("START SLAVE");
  }

  /**
   * The replication threads' last errors ({@code Last_IO_Error}, {@code Last_SQL_Error} of {@code
   * SHOW SLAVE STATUS}), empty when there are none or this server replicates from nobody.
   */
  public String replicationError() {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        return "";
      }
      String io = rs.getString("Last_IO_Error");
      String sql = rs.getString("Last_SQL_Error");
      return ((io == null ? "" : io) + " " + (sql == null ? "" : sql)).trim();
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** Starts a new binlog file. */
  public void flushBinaryLogs() {
    execute("FLUSH LOCAL BINARY LOGS");
  }

  /**
   * Starts a new binlog file and deletes all older ones, as an aggressive expiry would; waits (up
   * to 30 s) until InnoDB's binlog checkpoint lets the server delete them.
   */
  public void purgeBinaryLogs() {
    flushBinaryLogs();
    String current = queryString("SHOW MASTER STATUS");
    // A binlog still needed for crash recovery (its XIDs not yet durable in InnoDB) is kept
    // silently; with innodb_flush_log_at_trx_commit=2 that lasts up to about a second.
    Awaitility.await(name + " purges binary logs before " + current)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              // LOCAL: a binlogged FLUSH on a replica is an errant transaction of its own server
              // id, and GTID strict mode then stops its replication (seen in the e2e run).
              execute("FLUSH LOCAL ENGINE LOGS", "PURGE BINARY LOGS TO '" + current + "'");
              return current.equals(queryString("SHOW BINARY LOGS"));
            });
  }

  /** Shuts down gracefully (SIGTERM), forcibly after 30 s; the datadir stays for {@link #start}. */
  public void stop() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(p);
  }

  /** Kills the process with SIGKILL, like a crash; InnoDB recovers on the next {@link #start}. */
  public void kill() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(p);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  @Override
  public String toString() {
    return name + "@127.0.0.1:" + port + " (server_id " + serverId + ")";
  }
}
