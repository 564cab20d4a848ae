package io.twinlog.operator.source;

import io.twinlog.operator.source.PostgresFacts.SlotFacts;
import io.twinlog.operator.source.PostgresFacts.TableFacts;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** Connects to one PostgreSQL server over JDBC and reads the facts {@link PostgresRules} judge. */
final class PostgresProbe {

  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

  /** Server-wide facts; {@code current_setting(.., true)} is null where a release lacks one. */
  private static final String SERVER =
      "SELECT current_setting('server_version_num')::int AS version_num,"
          + " current_setting('server_version') AS version,"
          + " pg_is_in_recovery() AS in_recovery,"
          + " current_setting('wal_level') AS wal_level,"
          + " current_setting('max_replication_slots')::int AS max_slots,"
          + " (SELECT count(*) FROM pg_replication_slots)::int AS slots,"
          + " current_setting('max_wal_senders')::int AS max_senders,"
          + " (SELECT count(*) FROM pg_stat_replication)::int AS senders,"
          + " current_setting('hot_standby_feedback') AS feedback,"
          + " current_setting('primary_slot_name', true) AS primary_slot,"
          + " (SELECT setting::bigint FROM pg_settings WHERE name = 'max_slot_wal_keep_size')"
          + " AS keep_mb,"
          + " r.rolreplication, r.rolsuper"
          + " FROM pg_roles r WHERE r.rolname = current_user";

  private static final String TABLES =
      "SELECT n.nspname || '.' || c.relname AS name, c.relreplident::text AS identity,"
          + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
          + " AS pk"
          + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind IN ('r', 'p') AND n.nspname || '.' || c.relname = ANY (?)";

  private final Clock clock;

  PostgresProbe(Clock clock) {
    this.clock = clock;
  }

  SourceCheckResult check(PostgresCheckRequest request) {
    try (Connection connection = connect(request)) {
      PostgresFacts facts = read(request, connection);
      return new SourceCheckResult(
          request.replicaName(),
          clock.instant(),
          PostgresRules.evaluate(request, facts),
          null,
          facts);
    } catch (SQLException | RuntimeException e) {
      return new SourceCheckResult(
          request.replicaName(), clock.instant(), List.of(FailureFindings.of(request, e)), null);
    }
  }

  static PostgresFacts read(PostgresCheckRequest request, Connection connection)
      throws SQLException {
    PostgresFacts.Builder facts = PostgresFacts.builder();
    int version;
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(SERVER)) {
      if (!rs.next()) {
        throw new SQLException("pg_roles has no row for the current user " + request.user());
      }
      version = rs.getInt("version_num");
      boolean inRecovery = rs.getBoolean("in_recovery");
      facts
          .server(version, rs.getString("version"), inRecovery)
          .walLevel(rs.getString("wal_level"))
          .capacity(
              rs.getInt("max_slots"),
              rs.getInt("slots"),
              rs.getInt("max_senders"),
              rs.getInt("senders"))
          .role(rs.getBoolean("rolreplication"), rs.getBoolean("rolsuper"))
          .standby("on".equals(rs.getString("feedback")), rs.getString("primary_slot"));
      long keepMb = rs.getLong("keep_mb");
      // pg_settings gives max_slot_wal_keep_size in MB.
      facts.maxSlotWalKeepSizeBytes(rs.wasNull() ? null : keepMb < 0 ? -1L : keepMb * 1024 * 1024);
    }
    readPublication(request, connection, facts);
    facts.tables(tables(request, connection));
    facts.slot(slot(request, connection, version));
    return facts.build();
  }

  private static void readPublication(
      PostgresCheckRequest request, Connection connection, PostgresFacts.Builder facts)
      throws SQLException {
    Boolean allTables = null;
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, request.publication());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          allTables = rs.getBoolean(1);
        }
      }
    }
    if (allTables == null) {
      facts.publication(false, null, null);
      return;
    }
    Set<String> published = new HashSet<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
      ps.setString(1, request.publication());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          published.add(rs.getString(1));
        }
      }
    }
    facts.publication(true, allTables, published);
  }

  private static List<TableFacts> tables(PostgresCheckRequest request, Connection connection)
      throws SQLException {
    List<String> names = request.tables().stream().map(PostgresRules::qualified).toList();
    Map<String, TableFacts> found = new HashMap<>();
    if (!names.isEmpty()) {
      Array array = connection.createArrayOf("text", names.toArray());
      try (PreparedStatement ps = connection.prepareStatement(TABLES)) {
        ps.setArray(1, array);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String name = rs.getString("name");
            found.put(
                name, new TableFacts(name, true, rs.getString("identity"), rs.getBoolean("pk")));
          }
        }
      }
    }
    List<TableFacts> tables = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      TableFacts t = found.get(names.get(i));
      String asSpecified = request.tables().get(i);
      tables.add(
          t == null
              ? new TableFacts(asSpecified, false, null, false)
              : new TableFacts(asSpecified, true, t.replicaIdentity(), t.primaryKey()));
    }
    return tables;
  }

  private static SlotFacts slot(PostgresCheckRequest request, Connection connection, int version)
      throws SQLException {
    // A standby has no current WAL position of its own: what it received is what the slot holds
    // back there.
    String current =
        "CASE WHEN pg_is_in_recovery() THEN"
            + " coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())"
            + " ELSE pg_current_wal_lsn() END";
    String sql =
        "SELECT slot_type, plugin, database, active,"
            + (version >= 130000
                ? " wal_status, safe_wal_size,"
                : " NULL::text AS wal_status, NULL::bigint AS safe_wal_size,")
            + " restart_lsn::text AS restart_lsn, confirmed_flush_lsn::text AS confirmed_flush_lsn,"
            + " pg_wal_lsn_diff("
            + current
            + ", restart_lsn)::bigint AS retained,"
            + (version >= 160000 ? " conflicting," : " NULL::boolean AS conflicting,")
            + (version >= 170000 ? " invalidation_reason" : " NULL::text AS invalidation_reason")
            + " FROM pg_replication_slots WHERE slot_name = ?";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, request.slotName());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new SlotFacts(
            request.slotName(),
            rs.getString("slot_type"),
            rs.getString("plugin"),
            rs.getString("database"),
            rs.getBoolean("active"),
            rs.getString("wal_status"),
            longOrNull(rs, "safe_wal_size"),
            rs.getString("restart_lsn"),
            rs.getString("confirmed_flush_lsn"),
            longOrNull(rs, "retained"),
            boolOrNull(rs, "conflicting"),
            rs.getString("invalidation_reason"));
      }
    }
  }

  /**
   * A connection to the request's database with its timeouts; one attempt, the next periodic check
   * is the retry.
   */
  static Connection connect(PostgresCheckRequest request) throws SQLException {
    return connect(
        request.host(),
        request.port(),
        request.database(),
        request.user(),
        request.password(),
        request.connectTimeout(),
        request.readTimeout(),
        request.tls());
  }

  /**
   * A connection to {@code database} on {@code host:port} with these timeouts, over {@code tls}.
   */
  static Connection connect(
      String hostName,
      int port,
      String database,
      String user,
      String password,
      Duration connectTimeout,
      Duration readTimeout,
      SourceTls tls)
      throws SQLException {
    Properties props = new Properties();
    tls.applyPostgres(props);
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    // The driver counts these in whole seconds; 0 would mean no timeout at all.
    props.setProperty("connectTimeout", seconds(connectTimeout));
    props.setProperty("loginTimeout", seconds(connectTimeout));
    props.setProperty("socketTimeout", seconds(readTimeout));
    props.setProperty("ApplicationName", "twinlog-operator");
    String host = hostName.contains(":") ? "[" + hostName + "]" : hostName;
    String url =
        "jdbc:postgresql://"
            + host
            + ":"
            + port
            + "/"
            + URLEncoder.encode(database, StandardCharsets.UTF_8);
    Connection connection = DRIVER.connect(url, props);
    if (connection == null) {
      throw new SQLException("the PostgreSQL driver did not accept " + url);
    }
    return connection;
  }

  private static String seconds(Duration d) {
    return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
  }

  private static Long longOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static Boolean boolOrNull(ResultSet rs, String column) throws SQLException {
    boolean v = rs.getBoolean(column);
    return rs.wasNull() ? null : v;
  }
}
