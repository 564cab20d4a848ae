package io.twinlog.e2e.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.workload.RowKey;
import io.twinlog.e2e.workload.TruthChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final RowKey ORDER_1 = RowKey.of("shop.orders", Map.of("id", 1));

  private final List<TruthChange> truth =
      List.of(change("c", "0", 0), change("u", "1", 1), change("u", "0", 2), change("u", "1", 3));

  private static TruthChange change(String op, String flag, int ms) {
    return new TruthChange(ORDER_1, op, Map.of("id", "1", "flag", flag), 0, T0.plusMillis(ms));
  }

  private static ErpRequest request(String key, String op, String flag, int ms, int status) {
    String body =
        "{\"table\":\"shop.orders\",\"op\":\"%s\",\"key\":{\"id\":1},\"before\":null,\"after\":{\"id\":1,\"flag\":%s},\"changeId\":\"%s\"}"
            .formatted(op, flag, key);
    return new ErpRequest(key, "POST", body, T0.plusMillis(ms), status);
  }

  private List<ErpRequest> allDelivered() {
    return new ArrayList<>(
        List.of(
            request("g1", "c", "0", 100, 200),
            request("g2", "u", "1", 110, 200),
            request("g3", "u", "0", 120, 200),
            request("g4", "u", "1", 130, 200)));
  }

  private ScenarioReport check(List<ErpRequest> requests) {
    return DeliveryCheck.check(
        "t", truth, requests, Set.of("shop.orders"), 0, 0, null, Instant.MIN);
  }

  @Test
  void exactDeliveryHoldsAndGivesLatencies() {
    ScenarioReport report = check(allDelivered());
    assertThat(report.problems()).isEmpty();
    assertThat(report.delivered()).isEqualTo(4);
    assertThat(report.latencyP50()).isEqualTo(Duration.ofMillis(109));
    assertThat(report.latencyP99()).isEqualTo(Duration.ofMillis(127));
  }

  @Test
  void retriedRequestsDoNotCountButASecondAcknowledgementIsADuplicate() {
    List<ErpRequest> requests = allDelivered();
    requests.add(0, request("g1", "c", "0", 50, 503));
    assertThat(check(requests).problems()).isEmpty();

    requests.add(request("g2", "u", "1", 200, 200));
    ScenarioReport report = check(requests);
    assertThat(report.duplicates()).isEqualTo(1);
    assertThat(report.problems()).anyMatch(p -> p.contains("more than once"));
  }

  @Test
  void aLostIdenticalFlipIsFound() {
    List<ErpRequest> requests = allDelivered();
    requests.remove(3); // the 2nd "flag=1", identical in content to the 1st
    assertThat(check(requests).problems()).anyMatch(p -> p.contains("committed 4 changes"));
  }

  @Test
  void reorderedChangesAreFound() {
    List<ErpRequest> requests = allDelivered();
    requests.add(1, requests.remove(2));
    assertThat(check(requests).problems()).anyMatch(p -> p.contains("change #2"));
  }

  @Test
  void unexpectedDeadLettersAreAProblem() {
    ScenarioReport report =
        DeliveryCheck.check(
            "t", truth, allDelivered(), Set.of("shop.orders"), 2, 0, null, Instant.MIN);
    assertThat(report.problems()).anyMatch(p -> p.contains("dead-letter"));
  }
}
