package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.source.PrimaryLocator.Probe;
import io.twinlog.operator.source.WalHeartbeatTarget.Server;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrimaryLocatorTest {

  private static final Server A = Server.replica("standby-a", "pg-a.db", 5432);
  private static final Server B = Server.replica("standby-b", "pg-b.db", 5433);

  private static WalHeartbeatTarget target(Server... replicas) {
    return new WalHeartbeatTarget(
        "shop/orders", List.of(replicas), "cdc", "s3cret", "shop", "twinlog", null, null, null);
  }

  @Test
  void asksTheReplicasInSpecOrderThenTheServerAStandbyStreamsFrom() {
    WalHeartbeatTarget target = target(A, B);
    assertThat(PrimaryLocator.next(target, List.of())).contains(A);
    Probe a = Probe.standby(A, true, "10.0.0.5", 5432);
    assertThat(PrimaryLocator.next(target, List.of(a))).contains(B);
    Probe b = Probe.standby(B, true, "10.0.0.5", 5432);
    Server sender = PrimaryLocator.next(target, List.of(a, b)).orElseThrow();
    assertThat(sender).isEqualTo(new Server(null, "10.0.0.5", 5432, "standby-a (pg-a.db:5432)"));
    assertThat(sender.label())
        .isEqualTo("10.0.0.5:5432 (the primary standby-a (pg-a.db:5432) streams from)");
    Probe refused = Probe.failed(sender, FindingReason.UNREACHABLE, "Connection refused");
    assertThat(PrimaryLocator.next(target, List.of(a, b, refused))).isEmpty();
  }

  @Test
  void aServerIsAskedOnceWhateverItsNameAndNeverThroughASocket() {
    WalHeartbeatTarget target = target(A, B);
    // standby-a streams from standby-b (cascading), asked already under its own name.
    Probe a = Probe.standby(A, true, "PG-B.db", 5433);
    Probe b = Probe.standby(B, true, "/var/run/postgresql", 5432);
    assertThat(PrimaryLocator.next(target, List.of(a, b))).isEmpty();
    // A standby whose sender is hidden, or that streams from nothing, gives no lead.
    Probe hidden = Probe.standby(A, true, null, null);
    Probe alone = Probe.standby(B, false, null, null);
    assertThat(PrimaryLocator.next(target, List.of(hidden, alone))).isEmpty();
  }

  @Test
  void aCascadeIsFollowedAtMostThreeSendersDeep() {
    WalHeartbeatTarget target = target(A);
    List<Probe> probes = new java.util.ArrayList<>();
    probes.add(Probe.standby(A, true, "10.0.0.1", 5432));
    for (int i = 1; i <= 3; i++) {
      Server next = PrimaryLocator.next(target, probes).orElseThrow();
      assertThat(next.host()).isEqualTo("10.0.0." + i);
      probes.add(Probe.standby(next, true, "10.0.0." + (i + 1), 5432));
    }
    assertThat(PrimaryLocator.next(target, probes)).isEmpty();
  }

  @Test
  void theFailureSaysWhatEachServerSaidAndWhatToDo() {
    WalHeartbeatTarget target = target(A, B);
    Finding f =
        PrimaryLocator.failure(
            target,
            List.of(
                Probe.standby(A, true, null, null),
                Probe.failed(B, FindingReason.UNREACHABLE, "Connection refused")));
    assertThat(f.reason()).isEqualTo(FindingReason.WAL_HEARTBEAT_FAILED);
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.message())
        .isEqualTo(
            "Twinlog could not write its WAL heartbeat on the primary of database shop:"
                + " standby-a (pg-a.db:5432) is a standby, and user cdc may not see which primary"
                + " it streams from (pg_stat_wal_receiver shows sender_host only to members of"
                + " pg_read_all_stats); cannot connect to standby-b (pg-b.db:5433) (Connection"
                + " refused). Until it can, the slot of a replica whose captured tables are idle"
                + " does not advance and keeps that server's WAL (a standby's also holds back the"
                + " primary's vacuum through hot_standby_feedback): list the primary in"
                + " spec.source.replicas, or let user cdc see which primary a standby streams"
                + " from (on the primary: GRANT pg_read_all_stats TO cdc), and let the operator"
                + " reach it");
  }

  @Test
  void eachKindOfAnswerHasItsOwnWords() {
    WalHeartbeatTarget target = target(A);
    assertThat(PrimaryLocator.describe(target, Probe.standby(A, false, null, null)))
        .isEqualTo("standby-a (pg-a.db:5432) is a standby that streams from no primary now");
    assertThat(PrimaryLocator.describe(target, Probe.standby(A, true, "/tmp", 5432)))
        .isEqualTo(
            "standby-a (pg-a.db:5432) streams from its primary over the unix socket /tmp, which"
                + " the operator cannot use");
    assertThat(PrimaryLocator.describe(target, Probe.standby(A, true, "10.0.0.5", 5432)))
        .isEqualTo("standby-a (pg-a.db:5432) is a standby streaming from 10.0.0.5:5432");
    assertThat(
            PrimaryLocator.describe(
                target, Probe.failed(A, FindingReason.MISSING_GRANTS, "permission denied")))
        .isEqualTo(
            "user cdc may not write the heartbeat on standby-a (pg-a.db:5432) (permission"
                + " denied): it needs CONNECT on database shop and EXECUTE on"
                + " pg_logical_emit_message(boolean, text, text), which PostgreSQL grants to"
                + " PUBLIC unless revoked");
    assertThat(
            PrimaryLocator.describe(
                target, Probe.failed(A, FindingReason.AUTHENTICATION_FAILED, "password")))
        .isEqualTo("standby-a (pg-a.db:5432) rejected user cdc (password)");
    Finding visible =
        PrimaryLocator.failure(
            target, List.of(Probe.failed(A, FindingReason.TIMEOUT, "Read timed out")));
    assertThat(visible.message())
        .contains("standby-a (pg-a.db:5432) did not answer in time (Read timed out)")
        .doesNotContain("pg_read_all_stats");
    assertThat(PrimaryLocator.failure(target(), List.of()).message())
        .contains("shop: the pipeline has no replica to ask.");
  }

  @Test
  void theTargetNeverShowsThePassword() {
    assertThat(target(A).toString()).contains("password=***").doesNotContain("s3cret");
  }
}
