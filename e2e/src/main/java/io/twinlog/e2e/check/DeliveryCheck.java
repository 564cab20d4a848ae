package io.twinlog.e2e.check;

import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.workload.RowKey;
import io.twinlog.e2e.workload.TruthChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares what the ERP acknowledged with the primary's truth: per row, the sequence of (op, row
 * after) the ERP acknowledged, first acknowledgement per idempotency key, must equal the committed
 * sequence (I1 once, I2 order, I3 identical-but-distinct); an idempotency key acknowledged twice is
 * a duplicate; dead letters count as problems unless the scenario expected them.
 */
public final class DeliveryCheck {
  private static final int MAX_PROBLEMS = 20;

  private DeliveryCheck() {}

  /**
   * Checks one scenario.
   *
   * @param tables the {@code database.table} names the scenario owns (ERP changes of other tables
   *     are ignored)
   * @param expectedDeadLetters dead letters the scenario put there on purpose
   */
  /**
   * Checks one scenario.
   *
   * @param tables the {@code database.table} names the scenario owns (ERP changes of other tables
   *     are ignored)
   * @param expectedDeadLetters dead letters the scenario put there on purpose
   * @param latencyFrom the latency figures are over the changes committed at or after it (every
   *     change is still checked): a steady-state figure leaves the warm-up out; {@link Instant#MIN}
   *     for all
   */
  public static ScenarioReport check(
      String scenario,
      List<TruthChange> truth,
      List<ErpRequest> requests,
      Set<String> tables,
      long deadLetters,
      long expectedDeadLetters,
      Duration failureToRestart,
      Instant latencyFrom) {
    Acknowledged acknowledged = Acknowledged.of(requests, tables);
    Map<RowKey, List<Delivered>> deliveredByKey = acknowledged.byKey();
    int duplicates = acknowledged.duplicates();
    Map<RowKey, List<TruthChange>> truthByKey = new LinkedHashMap<>();
    for (TruthChange change : truth) {
      truthByKey.computeIfAbsent(change.key(), k -> new ArrayList<>()).add(change);
    }

    List<String> problems = new ArrayList<>();
    List<Duration> latencies = new ArrayList<>();
    int matched = 0;
    for (Map.Entry<RowKey, List<TruthChange>> entry : truthByKey.entrySet()) {
      List<TruthChange> expected = entry.getValue();
      List<Delivered> got = deliveredByKey.getOrDefault(entry.getKey(), List.of());
      int i = 0;
      for (; i < Math.min(expected.size(), got.size()); i++) {
        TruthChange want = expected.get(i);
        Delivered have = got.get(i);
        if (!want.op().equals(have.op()) || !Objects.equals(want.after(), have.after())) {
          problem(
              problems,
              "%s change #%d: committed %s %s, ERP got %s %s (key %s)",
              entry.getKey(),
              i + 1,
              want.op(),
              want.after(),
              have.op(),
              have.after(),
              have.idempotencyKey());
          break;
        }
        matched++;
        if (!want.committedAt().isBefore(latencyFrom)) {
          latencies.add(Duration.between(want.committedAt(), have.receivedAt()));
        }
      }
      if (i == Math.min(expected.size(), got.size()) && expected.size() != got.size()) {
        problem(
            problems,
            "%s: committed %d changes, ERP acknowledged %d distinct ones",
            entry.getKey(),
            expected.size(),
            got.size());
      }
    }
    for (RowKey key : deliveredByKey.keySet()) {
      if (!truthByKey.containsKey(key)) {
        problem(problems, "%s: ERP got changes of a row the primary never wrote", key);
      }
    }
    if (duplicates > 0) {
      problem(problems, "%d idempotency keys were acknowledged more than once", duplicates);
    }
    if (deadLetters != expectedDeadLetters) {
      problem(
          problems,
          "%d records in the dead-letter topics, %d expected",
          deadLetters,
          expectedDeadLetters);
    }
    latencies.sort(null);
    return new ScenarioReport(
        scenario,
        truth.size(),
        matched,
        duplicates,
        deadLetters,
        percentile(latencies, 50),
        percentile(latencies, 99),
        failureToRestart,
        List.copyOf(problems));
  }

  /** Nearest-rank percentile of a sorted list, or null when empty. */
  public static Duration percentile(List<Duration> sorted, int percent) {
    if (sorted.isEmpty()) {
      return null;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static void problem(List<String> problems, String format, Object... args) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(String.format(format, args));
    } else if (problems.size() == MAX_PROBLEMS) {
      problems.add("... 1 more problem not listed");
    } else {
      int more = Integer.parseInt(problems.get(MAX_PROBLEMS).split(" ")[1]) + 1;
      problems.set(MAX_PROBLEMS, "... " + more + " more problems not listed");
    }
  }
}
