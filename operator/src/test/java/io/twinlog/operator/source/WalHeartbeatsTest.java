package io.twinlog.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.source.PrimaryLocator.Probe;
import io.twinlog.operator.source.WalHeartbeatTarget.Server;
import io.twinlog.operator.source.WalHeartbeats.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalHeartbeatsTest {

  private static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");
  private static final Server PRIMARY = Server.replica("primary", "pg-primary.db", 5432);
  private static final Finding FAILURE =
      Finding.warning(FindingReason.WAL_HEARTBEAT_FAILED, "no primary");

  private static WalHeartbeat.Outcome written(Instant at) {
    return new WalHeartbeat.Outcome(
        at, PRIMARY, "0/1000100", List.of(Probe.primary(PRIMARY, "0/1000100")), null);
  }

  private static WalHeartbeat.Outcome failed(Instant at) {
    return new WalHeartbeat.Outcome(
        at,
        null,
        null,
        List.of(Probe.failed(PRIMARY, FindingReason.UNREACHABLE, "Connection refused")),
        FAILURE);
  }

  @Test
  void aWrittenBeatSaysWhereAndHowOften() {
    Status initial = Status.initial(Duration.ofSeconds(10));
    assertThat(initial.note()).isNull();
    assertThat(initial.reported(T0)).isEmpty();
    Status ok = initial.next(written(T0));
    assertThat(ok.lastWrittenAt()).isEqualTo(T0);
    assertThat(ok.failingSince()).isNull();
    assertThat(ok.note())
        .isEqualTo(
            "Twinlog writes a WAL heartbeat on the primary primary (pg-primary.db:5432) every"
                + " 10s.");
    assertThat(Status.initial(Duration.ofMillis(2500)).next(written(T0)).note())
        .endsWith(" every 2500ms.");
  }

  @Test
  void failuresAreReportedOnlyOnceTheyLastedThirtySecondsOrThreeIntervals() {
    Status s = Status.initial(Duration.ofSeconds(2)).next(written(T0));
    s = s.next(failed(T0.plusSeconds(2)));
    assertThat(s.failingSince()).isEqualTo(T0.plusSeconds(2));
    assertThat(s.note()).isNull();
    s = s.next(failed(T0.plusSeconds(17)));
    assertThat(s.failingSince()).as("the first failure counts").isEqualTo(T0.plusSeconds(2));
    assertThat(s.lastWrittenAt()).isEqualTo(T0);
    assertThat(s.reported(T0.plusSeconds(31))).isEmpty();
    assertThat(s.reported(T0.plusSeconds(32))).contains(FAILURE);
    assertThat(s.shown(T0.plusSeconds(32))).isEqualTo("no primary");
    Status again = s.next(written(T0.plusSeconds(40)));
    assertThat(again.failingSince()).isNull();
    assertThat(again.reported(T0.plusSeconds(40))).isEmpty();

    Status slow = Status.initial(Duration.ofSeconds(20)).next(failed(T0));
    assertThat(slow.reportAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(slow.reported(T0.plusSeconds(59))).isEmpty();
    assertThat(slow.reported(T0.plusSeconds(60))).contains(FAILURE);
  }
}
