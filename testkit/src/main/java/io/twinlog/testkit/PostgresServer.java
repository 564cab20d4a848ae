package io.twinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL postmaster on 127.0.0.1 with its own data directory and unix socket directory, run
 * as an unprivileged user when this JVM is root (see {@link PostgresBinaries}).
 *
 * <p>The settings given at construction (and by {@link #setting}) live in {@code twinlog.conf} in
 * the data directory, which {@code postgresql.conf} includes; so {@code ALTER SYSTEM} still
 * overrides them, as on a real server.
 */
public final class PostgresServer {

  /** The superuser made by {@code initdb}; over TCP it needs {@link #ADMIN_PASSWORD}. */
  public static final String ADMIN_USER = "postgres";

  public static final String ADMIN_PASSWORD = "postgres-secret";

  /** The database every server has from {@code initdb}. */
  public static final String DEFAULT_DATABASE = "postgres";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
  private static final String CONF_FILE = "twinlog.conf";
  private static final Set<ProcessHandle> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> RUNNING.forEach(ProcessHandle::destroyForcibly), "postgres-testkit-reaper"));
  }

  private final String name;
  private final Path dir;
  private final int port;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private Process process;

  PostgresServer(String name, Path dir, Map<String, String> settings) {
    this.name = name;
    this.dir = dir;
    this.port = freePort();
    this.settings.put("listen_addresses", "127.0.0.1");
    this.settings.put("port", String.valueOf(port));
    this.settings.put("unix_socket_directories", socketDir().toString());
    // Dynamic shared memory as files in the data directory, not in /dev/shm: a killed postmaster
    // leaves its segments behind, and they must go with the directory.
    this.settings.put("dynamic_shared_memory_type", "mmap");
    this.settings.putAll(settings);
  }

  /** E.g. {@code primary}, {@code standby-1}. */
  public String name() {
    return name;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres} without credentials. */
  public String jdbcUrl() {
    return jdbcUrl(DEFAULT_DATABASE);
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE} without credentials. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A libpq connection string to this server as the superuser, e.g. for primary_conninfo. */
  public String conninfo() {
    return "host=127.0.0.1 port=" + port + " user=" + ADMIN_USER + " password=" + ADMIN_PASSWORD;
  }

  /** The data directory ({@code PGDATA}). */
  public Path datadir() {
    return dir.resolve("data");
  }

  /** The directory of the server's unix socket (kept short: socket paths are limited). */
  public Path socketDir() {
    return dir.resolve("sock");
  }

  /** The server's log (its stderr), useful in assertion messages. */
  public Path log() {
    return dir.resolve("postgres.log");
  }

  /** The settings written to {@code twinlog.conf}, in order. */
  public synchronized Map<String, String> settings() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * Sets {@code name = value} in {@code twinlog.conf} (null removes it); it takes effect at the
   * next {@link #reload} or {@link #restart}, as the parameter's context allows.
   */
  public synchronized void setting(String name, String value) {
    if (value == null) {
      settings.remove(name);
    } else {
      settings.put(name, value);
    }
    if (Files.exists(datadir())) {
      writeConfig();
    }
  }

  /** {@code pg_reload_conf()}: the server rereads its configuration files. */
  public void reload() {
    queryString("SELECT pg_reload_conf()");
  }

  /** Whether the postmaster is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The postmaster's PID (it is the process this class started). */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return process.pid();
  }

  /**
   * Runs {@code initdb} into {@link #datadir()}: a superuser {@link #ADMIN_USER}, password auth on
   * TCP, trust on the unix socket.
   */
  void initdb() throws IOException {
    try {
      Files.createDirectories(dir);
      Path pwfile = dir.resolve("pwfile");
      Files.writeString(pwfile, ADMIN_PASSWORD + "\n");
      PostgresBinaries.giveToServerUser(dir);
      List<String> command = new ArrayList<>();
      command.add(PostgresBinaries.basedir().resolve("bin/initdb").toString());
      command.add("--pgdata=" + datadir());
      command.add("--username=" + ADMIN_USER);
      command.add("--pwfile=" + pwfile);
      command.add("--auth-local=trust");
      command.add("--auth-host=scram-sha-256");
      command.add("--encoding=UTF8");
      command.add("--no-locale");
      // Test data need not survive a power cut; fsyncs only slow every test down.
      command.add("--no-sync");
      command.add("--no-instructions");
      // 1 MB WAL segments instead of 16: every server starts as a copy, and this halves it.
      command.add("--wal-segsize=1");
      Path initdbLog = dir.resolve("initdb.log");
      Process p =
          processBuilder(PostgresBinaries.asServerUser(command))
              .redirectOutput(initdbLog.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            name + ": initdb failed: " + Files.readString(initdbLog).lines().toList());
      }
      Files.delete(pwfile);
      Files.writeString(
          datadir().resolve("postgresql.conf"),
          "\ninclude_if_exists = '" + CONF_FILE + "'\n",
          StandardOpenOption.APPEND);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Makes this server's data directory a copy of the machine's {@code initdb} template. */
  void initFromTemplate() {
    copyDatadir(PostgresBinaries.templateDatadir());
  }

  /**
   * Makes this server's data directory a copy of {@code source}'s, which must not be running (a
   * cold copy is a valid base backup only of a cleanly stopped server).
   */
  void copyDatadirFrom(PostgresServer source) {
    if (source.isRunning()) {
      throw new IllegalStateException(source.name + " is running; a copy would be torn");
    }
    copyDatadir(source.datadir());
  }

  private void copyDatadir(Path from) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(dir);
      Path to = datadir();
      try (Stream<Path> paths = Files.walk(from)) {
        for (Path p : (Iterable<Path>) paths::iterator) {
          String relative = from.relativize(p).toString();
          // The source's slots, lock file and test kit settings are its own.
          if (relative.equals("postmaster.pid")
              || relative.equals("postmaster.opts")
              || relative.equals(CONF_FILE)
              || relative.equals(".complete")
              || relative.startsWith("pg_replslot/")) {
            continue;
          }
          Files.copy(
              p,
              to.resolve(relative),
              StandardCopyOption.COPY_ATTRIBUTES,
              LinkOption.NOFOLLOW_LINKS);
        }
      }
      PostgresBinaries.giveToServerUser(dir);
      LOG.info("{} copied {} in {} ms", name, from, millisSince(t0));
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": could not copy " + from, e);
    }
  }

  /**
   * {@code ssl = on} with a copy of {@code certificate}'s certificate and key beside the data
   * directory: the server reads its key only from a file it owns and no one else may read (the
   * caller's copy may be neither, nor reachable for the server user).
   */
  void useTls(TestCertificates.ServerCertificate certificate) {
    try {
      Path tls = dir.resolve("tls");
      Files.createDirectories(tls);
      Path cert = tls.resolve("server.crt");
      Path key = tls.resolve("server.key");
      Files.copy(certificate.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(certificate.key(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      PostgresBinaries.giveToServerUser(tls);
      setting("ssl", "on");
      setting("ssl_cert_file", cert.toString());
      setting("ssl_key_file", key.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": could not install the TLS certificate", e);
    }
  }

  /**
   * Replaces {@code pg_hba.conf} so that {@code users} log in over TCP only with TLS ({@code
   * hostssl}), everyone else as before. No plain line may match them, as on a server whose lines
   * are all {@code hostssl}: the catch-all lines leave them out by a regular expression (PostgreSQL
   * 16+), so a plain login is answered "no pg_hba.conf entry ..., no encryption".
   */
  void onlyOverTls(Set<String> users) {
    for (String user : users) {
      if (!user.matches("[a-z_][a-z0-9_]*")) {
        throw new IllegalArgumentException("not a plain role name: " + user);
      }
    }
    String others = "/^(?!(" + String.join("|", users) + ")$)";
    StringBuilder hba = new StringBuilder("# Written by the Twinlog test kit.\n");
    hba.append("local all all trust\n").append("local replication all trust\n");
    for (String user : users) {
      hba.append("hostssl all ").append(user).append(" 127.0.0.1/32 scram-sha-256\n");
      hba.append("hostssl replication ").append(user).append(" 127.0.0.1/32 scram-sha-256\n");
    }
    hba.append("host all ").append(others).append(" 127.0.0.1/32 scram-sha-256\n");
    hba.append("host replication ").append(others).append(" 127.0.0.1/32 scram-sha-256\n");
    try {
      Path file = datadir().resolve("pg_hba.conf");
      Files.writeString(file, hba.toString(), StandardCharsets.UTF_8);
      PostgresBinaries.giveToServerUser(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code standby.signal}: at the next start this server is a streaming standby. */
  void makeStandby() {
    try {
      Path signal = datadir().resolve("standby.signal");
      Files.writeString(signal, "");
      PostgresBinaries.giveToServerUser(signal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void writeConfig() {
    StringBuilder conf = new StringBuilder("# Written by the Twinlog test kit.\n");
    settings.forEach(
        (key, value) ->
            conf.append(key).append(" = '").append(value.replace("'", "''")).append("'\n"));
    try {
      Path file = datadir().resolve(CONF_FILE);
      Files.writeString(file, conf.toString(), StandardCharsets.UTF_8);
      PostgresBinaries.giveToServerUser(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the postmaster and waits until it accepts connections; the datadir is kept. */
  public void start() {
    launch();
    awaitReady(Duration.ofSeconds(60));
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  synchronized void launch() {
    if (isRunning()) {
      return;
    }
    try {
      writeConfig();
      Files.createDirectories(socketDir());
      PostgresBinaries.giveToServerUser(socketDir());
      List<String> command =
          List.of(
              PostgresBinaries.basedir().resolve("bin/postgres").toString(),
              "-D",
              datadir().toString());
      process =
          processBuilder(PostgresBinaries.asServerUser(command))
              .redirectOutput(Redirect.appendTo(log().toFile()))
              .start();
      RUNNING.add(process.toHandle());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  private static ProcessBuilder processBuilder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The caller's PG* variables (PGDATA, PGPORT, ...) must not leak into our servers.
    builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
    builder.environment().put("LC_ALL", "C");
    return builder;
  }

  void awaitReady(Duration timeout) {
    long t0 = System.nanoTime();
    Awaitility.await(name + " accepts connections on port " + port)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!isRunning()) {
                throw new IllegalStateException(name + " exited; log:\n" + logTail());
              }
              try (Connection c = connect()) {
                return c.isValid(2);
              } catch (SQLException e) {
                return false;
              }
            });
    LOG.info("{} accepts connections (waited {} ms)", this, millisSince(t0));
  }

  /** The last lines of the server log. */
  public String logTail() {
    try {
      List<String> lines = Files.exists(log()) ? Files.readAllLines(log()) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** A new superuser connection to {@code postgres}; the caller closes it. */
  public Connection connect() throws SQLException {
    return connect(DEFAULT_DATABASE);
  }

  /** A new superuser connection to {@code database}; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    return connect(ADMIN_USER, ADMIN_PASSWORD, database);
  }

  /** A new connection as {@code user} to {@code database}; the caller closes it. */
  public Connection connect(String user, String password, String database) throws SQLException {
    return DriverManager.getConnection(
        jdbcUrl(database) + "?connectTimeout=5&ApplicationName=twinlog-testkit", user, password);
  }

  /** Runs each statement as the superuser in {@code postgres}, in order (autocommit). */
  public void execute(String... sql) {
    executeIn(DEFAULT_DATABASE, sql);
  }

  /** Runs each statement as the superuser in {@code database}, in order (autocommit). */
  public void executeIn(String database, String... sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** The rows of {@code sql} in {@code postgres}, each column by label as a string. */
  public List<Map<String, String>> query(String sql) {
    return queryIn(DEFAULT_DATABASE, sql);
  }

  /** The rows of {@code sql} in {@code database}, each column by label as a string. */
  public List<Map<String, String>> queryIn(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<Map<String, String>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row of {@code sql} in {@code postgres} (null when no row). */
  public String queryString(String sql) {
    return queryStringIn(DEFAULT_DATABASE, sql);
  }

  /** The first column of the first row of {@code sql} in {@code database} (null when no row). */
  public String queryStringIn(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage(), e);
    }
  }

  /** {@code pg_is_in_recovery()}: whether this server is a standby. */
  public boolean isInRecovery() {
    return "t".equals(queryString("SELECT pg_is_in_recovery()"));
  }

  /**
   * A fast shutdown (SIGINT: sessions are ended, a shutdown checkpoint is written), SIGKILL after
   * 30 s; the datadir stays for {@link #start}.
   */
  public void stop() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null || !p.isAlive()) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      // Java signals only TERM (a "smart" shutdown, which waits for every client) and KILL.
      Process signal = new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start();
      signal.waitFor(10, TimeUnit.SECONDS);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(p.toHandle());
    LOG.info("{} stopped in {} ms", this, millisSince(t0));
  }

  /**
   * SIGKILLs the postmaster, like a crash, and waits until its children noticed and exited (else
   * the next start refuses the still attached shared memory); crash recovery runs at the next
   * {@link #start}.
   */
  public void kill() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null) {
      return;
    }
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (ProcessHandle child : children) {
        while (isRunning(child) && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        if (isRunning(child)) {
          // Only the processes this server forked; they outlived their postmaster by 10 s.
          child.destroyForcibly();
        }
      }
      releaseSharedMemory();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(p.toHandle());
  }

  /**
   * Removes the small System V segment a killed postmaster leaves behind (a clean shutdown removes
   * it, a start over this data directory would), so that deleted test clusters leak none; its id is
   * the second number of line 7 of {@code postmaster.pid}.
   */
  private void releaseSharedMemory() throws InterruptedException {
    try {
      List<String> lines = Files.readAllLines(datadir().resolve("postmaster.pid"));
      String[] keyAndId = lines.size() > 6 ? lines.get(6).trim().split("\\s+") : new String[0];
      if (keyAndId.length == 2 && keyAndId[1].matches("\\d+")) {
        new ProcessBuilder("ipcrm", "-m", keyAndId[1])
            .redirectErrorStream(true)
            .redirectOutput(Redirect.DISCARD)
            .start()
            .waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      // no pid file or no ipcrm: the segment stays until the machine restarts
    }
  }

  /**
   * Whether {@code process} still runs: an orphaned child that exited stays a zombie until the init
   * process reaps it, which in a container may take seconds, yet it holds no shared memory.
   */
  private static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /** {@link #stop} then {@link #start}. */
  public void restart() {
    stop();
    start();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name + "@127.0.0.1:" + port;
  }
}
