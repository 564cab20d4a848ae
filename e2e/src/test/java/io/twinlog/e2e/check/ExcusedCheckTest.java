package io.twinlog.e2e.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.workload.RowKey;
import io.twinlog.e2e.workload.TruthChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExcusedCheckTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final RowKey ORDER_1 = RowKey.of("shop.orders", Map.of("id", 1));

  private static TruthChange change(String op, String amount) {
    return new TruthChange(ORDER_1, op, Map.of("id", "1", "amount", amount), 0, T0);
  }

  private static ErpRequest request(String key, String op, String amount) {
    String body =
        "{\"table\":\"shop.orders\",\"op\":\"%s\",\"key\":{\"id\":1},\"after\":{\"id\":1,\"amount\":%s},\"changeId\":\"%s\"}"
            .formatted(op, amount, key);
    return new ErpRequest(key, "POST", body, T0.plusMillis(10), 200);
  }

  private final List<TruthChange> truth =
      List.of(change("c", "0"), change("u", "1"), change("u", "2"), change("u", "3"));

  private ExcusedCheck.Result check(
      List<ErpRequest> requests, List<TruthChange> letters, List<TruthChange> other) {
    return ExcusedCheck.check("t", truth, requests, Set.of("shop.orders"), letters, other);
  }

  @Test
  void aChangeOvertakenByALaterOneMayBeDeadLetteredInstead() {
    List<ErpRequest> requests =
        List.of(request("g1", "c", "0"), request("g3", "u", "2"), request("g4", "u", "3"));
    ExcusedCheck.Result result = check(requests, List.of(change("u", "1")), List.of());
    assertThat(result.report().problems()).isEmpty();
    assertThat(result.deadLettered()).isEqualTo(1);
    assertThat(result.report().delivered()).isEqualTo(3);
  }

  @Test
  void aChangeNeitherDeliveredNorDeadLetteredIsLost() {
    List<ErpRequest> requests =
        List.of(request("g1", "c", "0"), request("g3", "u", "2"), request("g4", "u", "3"));
    ExcusedCheck.Result result = check(requests, List.of(), List.of());
    assertThat(result.lost() + result.misordered()).isPositive();
    assertThat(result.report().problems()).isNotEmpty();
  }

  @Test
  void aLateOlderChangeAtTheErpIsMisordered() {
    List<ErpRequest> requests =
        List.of(
            request("g1", "c", "0"),
            request("g3", "u", "2"),
            request("g2", "u", "1"),
            request("g4", "u", "3"));
    ExcusedCheck.Result result = check(requests, List.of(), List.of());
    assertThat(result.misordered()).isEqualTo(1);
  }

  @Test
  void anotherHistoryMayAppearAtMostOnceEach() {
    TruthChange tail = change("u", "9");
    List<ErpRequest> requests =
        List.of(
            request("g1", "c", "0"),
            request("old", "u", "9"),
            request("g2", "u", "1"),
            request("g3", "u", "2"),
            request("g4", "u", "3"));
    ExcusedCheck.Result once = check(requests, List.of(), List.of(tail));
    assertThat(once.report().problems()).isEmpty();
    assertThat(once.otherHistory()).isEqualTo(1);

    List<ErpRequest> twice = new java.util.ArrayList<>(requests);
    twice.add(request("old-again", "u", "9"));
    assertThat(check(twice, List.of(), List.of(tail)).misordered()).isEqualTo(1);
  }
}
