package io.twinlog.operator.source;

import io.twinlog.operator.api.v1alpha1.SourceTlsMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/** Connects to one replica over JDBC, reads its facts and grants, and enforces retention. */
final class SourceProbe {

  private static final List<String> VARIABLES =
      List.of(
          "version",
          "server_id",
          "log_bin",
          "binlog_format",
          "binlog_row_image",
          "log_slave_updates",
          "log_replica_updates",
          "gtid_strict_mode",
          "gtid_domain_id",
          "gtid_binlog_pos",
          "gtid_mode",
          "enforce_gtid_consistency",
          "gtid_executed",
          "gtid_purged",
          "binlog_expire_logs_seconds",
          "binlog_expire_logs_auto_purge",
          "expire_logs_days",
          "max_binlog_total_size",
          "binlog_space_limit");

  private static final org.mariadb.jdbc.Driver DRIVER = new org.mariadb.jdbc.Driver();

  private final Clock clock;

  SourceProbe(Clock clock) {
    this.clock = clock;
  }

  SourceCheckResult check(SourceCheckRequest request) {
    try (Connection connection = connect(request)) {
      return inspect(request, connection);
    } catch (SQLException | RuntimeException e) {
      Finding finding = FailureFindings.of(request, e);
      if (finding.reason() == FindingReason.AUTHENTICATION_FAILED && request.tls().plain()) {
        finding = tlsRequired(request).orElse(finding);
      }
      return new SourceCheckResult(request.replicaName(), clock.instant(), List.of(finding), null);
    }
  }

  /**
   * MariaDB and MySQL refuse a user created {@code REQUIRE SSL} with the same "access denied" as a
   * wrong password: one encrypted attempt, unverified, tells the two apart, so the status names the
   * fix. Nothing is read over that connection.
   */
  private static Optional<Finding> tlsRequired(SourceCheckRequest request) {
    SourceCheckRequest encrypted = request.withTls(new SourceTls(SourceTlsMode.REQUIRED, null));
    try (Connection ignored = connect(encrypted)) {
      return Optional.of(
          Finding.error(
              FindingReason.TLS_REQUIRED,
              FailureFindings.message(
                  request,
                  FindingReason.TLS_REQUIRED,
                  "access denied without TLS, granted with it")));
    } catch (SQLException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private SourceCheckResult inspect(SourceCheckRequest request, Connection connection)
      throws SQLException {
    Map<String, String> variables = variables(connection);
    SourceFacts facts = SourceFacts.fromVariables(variables);
    Grants grants = Grants.parse(rows(connection, "SHOW GRANTS"));
    facts = withBinlogs(connection, facts);

    OptionalLong enforce = SourceRules.retentionToEnforce(request, facts, grants);
    List<Finding> extra = new ArrayList<>();
    if (enforce.isPresent()) {
      long before = facts.retentionSeconds();
      try (Statement s = connection.createStatement()) {
        s.execute("SET GLOBAL binlog_expire_logs_seconds = " + enforce.getAsLong());
        facts = withBinlogs(connection, SourceFacts.fromVariables(variables(connection)));
        extra.add(SourceRules.raised(request, before, enforce.getAsLong()));
      } catch (SQLException e) {
        if (FailureFindings.classify(e) == FindingReason.TIMEOUT) {
          throw e;
        }
        // Reported through RetentionTooShort below, which stays because retention is unchanged.
      }
    }
    List<Finding> findings = new ArrayList<>(SourceRules.evaluate(request, facts, grants));
    findings.addAll(extra);
    return new SourceCheckResult(request.replicaName(), clock.instant(), findings, facts);
  }

  private static Connection connect(SourceCheckRequest request) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", request.user());
    if (request.password() != null) {
      props.setProperty("password", request.password());
    }
    props.setProperty("connectTimeout", Long.toString(request.connectTimeout().toMillis()));
    props.setProperty("socketTimeout", Long.toString(request.readTimeout().toMillis()));
    props.setProperty("permitMysqlScheme", "true");
    // One attempt: the checker reports; the next periodic check is the retry.
    props.setProperty("retriesAllDown", "1");
    request.tls().applyMariaDb(props);
    String url = "jdbc:mariadb://" + request.host() + ":" + request.port() + "/";
    Connection connection = DRIVER.connect(url, props);
    if (connection == null) {
      throw new SQLException("the MariaDB driver did not accept " + url);
    }
    return connection;
  }

  private static Map<String, String> variables(Connection connection) throws SQLException {
    String in = String.join(",", VARIABLES.stream().map(v -> "'" + v + "'").toList());
    Map<String, String> variables = new HashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + in + ")")) {
      while (rs.next()) {
        variables.put(rs.getString(1), rs.getString(2));
      }
    }
    return variables;
  }

  private static SourceFacts withBinlogs(Connection connection, SourceFacts facts)
      throws SQLException {
    String oldest = null;
    Integer count = null;
    String oldestGtid = null;
    try {
      List<String> logs = rows(connection, "SHOW BINARY LOGS");
      count = logs.size();
      oldest = logs.isEmpty() ? null : logs.get(0);
      if (oldest != null && facts.flavor() == Flavor.MARIADB) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, 4)")) {
          ps.setString(1, oldest);
          try (ResultSet rs = ps.executeQuery()) {
            oldestGtid = rs.next() ? rs.getString(1) : null;
          }
        }
      }
    } catch (SQLException e) {
      rethrowTimeout(e);
    }
    Boolean replica = null;
    try {
      String sql =
          facts.flavor() == Flavor.MARIADB ? "SHOW ALL SLAVES STATUS" : "SHOW REPLICA STATUS";
      replica = !rows(connection, sql).isEmpty();
    } catch (SQLException e) {
      rethrowTimeout(e);
    }
    return facts.withBinlogs(oldest, count, oldestGtid, replica);
  }

  private static void rethrowTimeout(SQLException e) throws SQLException {
    // Missing privileges here show up as MissingGrants from SHOW GRANTS; a timeout must not be
    // lost.
    if (FailureFindings.classify(e) == FindingReason.TIMEOUT
        || FailureFindings.classify(e) == FindingReason.UNREACHABLE) {
      throw e;
    }
  }

  private static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }
}
