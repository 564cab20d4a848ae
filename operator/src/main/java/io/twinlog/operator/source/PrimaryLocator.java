package io.twinlog.operator.source;

import io.twinlog.operator.source.WalHeartbeatTarget.Server;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Pure rules for finding a pipeline's PostgreSQL primary from what each server said: which server
 * to ask next, and what to report when none could take the heartbeat. The replicas of the spec come
 * first (one of them not in recovery is the primary); then the servers the standbys stream from
 * ({@code pg_stat_wal_receiver.sender_host/sender_port}), which may themselves be standbys of a
 * cascade.
 */
public final class PrimaryLocator {

  /** Servers beyond the spec's replicas asked in one beat: a cascade deeper than this is odd. */
  static final int MAX_SENDERS = 3;

  private PrimaryLocator() {}

  /**
   * What one server said to the heartbeat statement.
   *
   * @param inRecovery {@code pg_is_in_recovery()}; null when the server was not reached
   * @param written the LSN {@code pg_logical_emit_message} returned; null unless it was written
   * @param receiverRunning a standby's WAL receiver runs ({@code pg_stat_wal_receiver} has a row)
   * @param senderHost the host it streams from; null when it does not, or the user may not see it
   * @param failure why the server could not be asked; null when it answered
   * @param detail the failure's message, one line
   */
  public record Probe(
      Server server,
      Boolean inRecovery,
      String written,
      boolean receiverRunning,
      String senderHost,
      Integer senderPort,
      FindingReason failure,
      String detail) {

    /** The primary took the message. */
    public static Probe primary(Server server, String lsn) {
      return new Probe(server, false, lsn, false, null, null, null, null);
    }

    /** A standby, and what it says of the server it streams from. */
    public static Probe standby(
        Server server, boolean receiverRunning, String senderHost, Integer senderPort) {
      return new Probe(server, true, null, receiverRunning, senderHost, senderPort, null, null);
    }

    /** The server could not be asked. */
    public static Probe failed(Server server, FindingReason failure, String detail) {
      return new Probe(server, null, null, false, null, null, failure, detail);
    }

    /** The sender this standby names, if the operator can connect to it over TCP. */
    Optional<Server> sender() {
      if (!Boolean.TRUE.equals(inRecovery)
          || senderHost == null
          || senderHost.isBlank()
          || socket(senderHost)
          || senderPort == null) {
        return Optional.empty();
      }
      return Optional.of(new Server(null, senderHost, senderPort, server.label()));
    }
  }

  /**
   * The server to ask next, or empty when every lead was followed: the spec's replicas in order,
   * then each sender a standby named, each address once.
   */
  public static Optional<Server> next(WalHeartbeatTarget target, List<Probe> probes) {
    Set<String> asked = new HashSet<>();
    probes.forEach(p -> asked.add(p.server().address()));
    for (Server replica : target.replicas()) {
      if (!asked.contains(replica.address())) {
        return Optional.of(replica);
      }
    }
    long senders = probes.stream().filter(p -> p.server().name() == null).count();
    if (senders >= MAX_SENDERS) {
      return Optional.empty();
    }
    return probes.stream()
        .map(Probe::sender)
        .flatMap(Optional::stream)
        .filter(s -> !asked.contains(s.address()))
        .findFirst();
  }

  /** The finding when no server took the heartbeat: what each said, and what to do. */
  public static Finding failure(WalHeartbeatTarget target, List<Probe> probes) {
    String said =
        probes.isEmpty()
            ? "the pipeline has no replica to ask"
            : probes.stream().map(p -> describe(target, p)).collect(Collectors.joining("; "));
    boolean hidden =
        probes.stream()
            .anyMatch(
                p ->
                    Boolean.TRUE.equals(p.inRecovery())
                        && p.receiverRunning()
                        && p.senderHost() == null);
    return Finding.warning(
        FindingReason.WAL_HEARTBEAT_FAILED,
        "Twinlog could not write its WAL heartbeat on the primary of database "
            + target.database()
            + ": "
            + said
            + ". Until it can, the slot of a replica whose captured tables are idle does not"
            + " advance and keeps that server's WAL (a standby's also holds back the primary's"
            + " vacuum through hot_standby_feedback): list the primary in spec.source.replicas"
            + (hidden
                ? ", or let user "
                    + target.user()
                    + " see which primary a standby streams from (on the primary: GRANT"
                    + " pg_read_all_stats TO "
                    + target.user()
                    + ")"
                : "")
            + ", and let the operator reach it");
  }

  static String describe(WalHeartbeatTarget target, Probe p) {
    String label = p.server().label();
    if (p.failure() != null) {
      String detail = " (" + p.detail() + ")";
      return switch (p.failure()) {
        case DNS_FAILURE -> label + ": the host does not resolve" + detail;
        case UNREACHABLE -> "cannot connect to " + label + detail;
        case AUTHENTICATION_FAILED -> label + " rejected user " + target.user() + detail;
        case TIMEOUT -> label + " did not answer in time" + detail;
        case MISSING_GRANTS ->
            "user "
                + target.user()
                + " may not write the heartbeat on "
                + label
                + detail
                + ": it needs CONNECT on database "
                + target.database()
                + " and EXECUTE on pg_logical_emit_message(boolean, text, text), which PostgreSQL"
                + " grants to PUBLIC unless revoked";
        default -> "writing the heartbeat on " + label + " failed" + detail;
      };
    }
    if (Boolean.FALSE.equals(p.inRecovery())) {
      return label + " is the primary";
    }
    if (!p.receiverRunning()) {
      return label + " is a standby that streams from no primary now";
    }
    if (p.senderHost() == null) {
      return label
          + " is a standby, and user "
          + target.user()
          + " may not see which primary it streams from (pg_stat_wal_receiver shows sender_host"
          + " only to members of pg_read_all_stats)";
    }
    if (socket(p.senderHost())) {
      return label
          + " streams from its primary over the unix socket "
          + p.senderHost()
          + ", which the operator cannot use";
    }
    return label + " is a standby streaming from " + p.senderHost() + ":" + p.senderPort();
  }

  /** libpq takes a host starting with '/' (or '@', abstract) as a unix socket directory. */
  static boolean socket(String host) {
    return host.startsWith("/") || host.startsWith("@");
  }
}
