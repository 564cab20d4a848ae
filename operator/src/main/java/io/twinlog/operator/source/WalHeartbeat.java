package io.twinlog.operator.source;

import io.twinlog.operator.source.PrimaryLocator.Probe;
import io.twinlog.operator.source.WalHeartbeatTarget.Server;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes one PostgreSQL pipeline's WAL heartbeat: a non-transactional logical decoding message
 * ({@code pg_logical_emit_message(false, prefix, content)}) on the primary, in the captured
 * database. Every slot of that database, on the primary and on each standby, decodes it; its
 * connector confirms past it at its next Debezium heartbeat, so an idle slot advances although no
 * captured table changed (docs/concepts/postgresql-facts.md). A standby is read-only and cannot
 * take it, hence the primary: a replica of the spec not in recovery, else the server a standby
 * streams from ({@link PrimaryLocator}).
 *
 * <p>One statement asks a server whether it is in recovery, writes the message only if it is not,
 * and reads its WAL receiver's sender: a server demoted meanwhile simply does not write. The
 * connection to the primary found is kept for the next beat. Not thread-safe beyond {@code
 * synchronized}: the caller runs one beat at a time; {@link #beat} blocks for at most the target's
 * timeouts per server asked and never throws.
 */
public final class WalHeartbeat implements AutoCloseable {

  /**
   * The beat: the message (its prefix and content as text, not bytea) only on a server not in
   * recovery; a standby's sender, which {@code pg_stat_wal_receiver} shows only to members of
   * {@code pg_read_all_stats} (others see the pid alone).
   */
  static final String BEAT =
      "SELECT pg_is_in_recovery() AS in_recovery,"
          + " CASE WHEN pg_is_in_recovery() THEN NULL"
          + " ELSE pg_logical_emit_message(false, ?::text, ?::text)::text END AS written,"
          + " r.pid AS receiver_pid, r.sender_host, r.sender_port"
          + " FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver r ON true";

  /**
   * One beat's outcome.
   *
   * @param primary the server that took the message; null when none did
   * @param lsn what {@code pg_logical_emit_message} returned (the end of its WAL record)
   * @param probes what each server asked said, in order
   * @param failure the finding when no server took it; null when one did
   */
  public record Outcome(
      Instant at, Server primary, String lsn, List<Probe> probes, Finding failure) {
    public Outcome {
      probes = List.copyOf(probes);
    }

    /** Whether the message was written. */
    public boolean written() {
      return failure == null;
    }
  }

  private final WalHeartbeatTarget target;
  private final Clock clock;
  private Connection connection;
  private Server primary;

  public WalHeartbeat(WalHeartbeatTarget target, Clock clock) {
    this.target = target;
    this.clock = clock;
  }

  public WalHeartbeatTarget target() {
    return target;
  }

  /** Writes one message on the primary, looking for it again when the last one is not. */
  public synchronized Outcome beat() {
    Instant at = clock.instant();
    String content = target.pipeline() + " " + at;
    List<Probe> probes = new ArrayList<>();
    if (connection != null) {
      Probe p = ask(connection, primary, content);
      if (p.written() != null) {
        return new Outcome(at, primary, p.written(), List.of(p), null);
      }
      // Demoted: asked no more this beat. Restarted, or the session ended (idle_session_timeout,
      // a proxy): asked afresh below in spec order, like every other server.
      if (Boolean.TRUE.equals(p.inRecovery())) {
        probes.add(p);
      }
      closeConnection();
    }
    Optional<Server> next;
    while ((next = PrimaryLocator.next(target, probes)).isPresent()) {
      Server server = next.get();
      Connection c;
      try {
        c =
            PostgresProbe.connect(
                server.host(),
                server.port(),
                target.database(),
                target.user(),
                target.password(),
                target.connectTimeout(),
                target.readTimeout(),
                target.tls());
      } catch (SQLException | RuntimeException e) {
        probes.add(Probe.failed(server, FailureFindings.classify(e), FailureFindings.detail(e)));
        continue;
      }
      Probe p = ask(c, server, content);
      probes.add(p);
      if (p.written() != null) {
        connection = c;
        primary = server;
        return new Outcome(at, server, p.written(), probes, null);
      }
      close(c);
    }
    return new Outcome(at, null, null, probes, PrimaryLocator.failure(target, probes));
  }

  private Probe ask(Connection c, Server server, String content) {
    try (PreparedStatement ps = c.prepareStatement(BEAT)) {
      ps.setString(1, target.prefix());
      ps.setString(2, content);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Probe.failed(server, FindingReason.CHECK_FAILED, "the beat returned no row");
        }
        if (!rs.getBoolean("in_recovery")) {
          return Probe.primary(server, rs.getString("written"));
        }
        rs.getInt("receiver_pid");
        boolean receiverRunning = !rs.wasNull();
        int port = rs.getInt("sender_port");
        Integer senderPort = rs.wasNull() ? null : port;
        return Probe.standby(server, receiverRunning, rs.getString("sender_host"), senderPort);
      }
    } catch (SQLException | RuntimeException e) {
      return Probe.failed(server, FailureFindings.classify(e), FailureFindings.detail(e));
    }
  }

  private void closeConnection() {
    close(connection);
    connection = null;
    primary = null;
  }

  private static void close(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // Going anyway: the server ends the session when the socket closes.
    }
  }

  /** Closes the connection kept to the primary. */
  @Override
  public synchronized void close() {
    if (connection != null) {
      closeConnection();
    }
  }
}
