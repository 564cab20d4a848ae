package io.twinlog.e2e.check;

import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.workload.RowKey;
import io.twinlog.e2e.workload.TruthChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link DeliveryCheck} for scenarios where the runtime may rightly not deliver a change: per row,
 * the ERP's changes (first acknowledgement per idempotency key) must be the committed ones in
 * commit order, except that a committed change may instead be on the dedup dead-letter topic (a
 * key-order conflict: a later change of its row was already delivered), and changes of another
 * history (an old primary's tail that the new primary never had) may appear, at most once each and
 * in their own order. Anything else is lost, duplicated or misordered.
 */
public final class ExcusedCheck {
  private ExcusedCheck() {}

  /**
   * The figures of one check.
   *
   * @param report the scenario's report (its problems list what broke)
   * @param deadLettered committed changes not at the ERP because they are on the dead-letter topic
   * @param otherHistory changes of the other history the ERP acknowledged
   * @param lost committed changes neither at the ERP nor dead-lettered
   * @param misordered rows whose ERP sequence does not fit the commit order
   * @param unusedDeadLetters dead letters no committed change accounts for
   */
  public record Result(
      ScenarioReport report,
      int deadLettered,
      int otherHistory,
      int lost,
      int misordered,
      int unusedDeadLetters) {

    /** One line of counts. */
    public String counts() {
      return String.format(
          "committed=%d delivered-once=%d dead-lettered=%d other-history-delivered=%d lost=%d"
              + " duplicated=%d misordered-rows=%d unmatched-dead-letters=%d",
          report.made(),
          report.delivered(),
          deadLettered,
          otherHistory,
          lost,
          report.duplicates(),
          misordered,
          unusedDeadLetters);
    }
  }

  /**
   * Checks one scenario.
   *
   * @param truth the history the ERP must hold, in commit order
   * @param deadLetters changes the dedup runtime dead-lettered as key-order conflicts
   * @param otherHistory changes the ERP may hold at most once each (empty when none)
   */
  public static Result check(
      String scenario,
      List<TruthChange> truth,
      List<ErpRequest> requests,
      Set<String> tables,
      List<TruthChange> deadLetters,
      List<TruthChange> otherHistory) {
    Acknowledged acknowledged = Acknowledged.of(requests, tables);
    Map<RowKey, List<Delivered>> delivered = acknowledged.byKey();
    int duplicates = acknowledged.duplicates();
    Map<RowKey, List<TruthChange>> expected = byKey(truth);
    Map<RowKey, List<TruthChange>> letters = byKey(deadLetters);
    Map<RowKey, List<TruthChange>> other = byKey(otherHistory);
    Set<RowKey> keys = new LinkedHashSet<>(expected.keySet());
    keys.addAll(delivered.keySet());

    List<String> problems = new ArrayList<>();
    List<Duration> latencies = new ArrayList<>();
    int matched = 0;
    int excused = 0;
    int otherDelivered = 0;
    int lost = 0;
    int misordered = 0;
    for (RowKey key : keys) {
      List<TruthChange> want = expected.getOrDefault(key, List.of());
      List<Delivered> got = delivered.getOrDefault(key, List.of());
      List<TruthChange> excuses = new ArrayList<>(letters.getOrDefault(key, List.of()));
      List<TruthChange> tail = other.getOrDefault(key, List.of());
      int i = 0;
      int j = 0;
      int k = 0;
      boolean broken = false;
      while (i < got.size()) {
        Delivered have = got.get(i);
        int inTail = indexOf(tail, k, have);
        if (j < want.size() && same(want.get(j), have)) {
          matched++;
          latencies.add(Duration.between(want.get(j).committedAt(), have.receivedAt()));
          i++;
          j++;
        } else if (inTail >= 0) {
          otherDelivered++;
          k = inTail + 1;
          i++;
        } else if (j < want.size() && removeSame(excuses, want.get(j))) {
          excused++;
          j++;
        } else {
          misordered++;
          broken = true;
          DeliveryCheck.problem(
              problems,
              "%s ERP change #%d %s %s (key %s) is not the next committed change (%s)",
              key,
              i + 1,
              have.op(),
              have.after(),
              have.idempotencyKey(),
              j < want.size() ? want.get(j).op() + " " + want.get(j).after() : "none left");
          break;
        }
      }
      for (; !broken && j < want.size(); j++) {
        if (removeSame(excuses, want.get(j))) {
          excused++;
        } else {
          lost++;
          DeliveryCheck.problem(
              problems,
              "%s change #%d lost: committed %s %s, not at the ERP nor dead-lettered",
              key,
              j + 1,
              want.get(j).op(),
              want.get(j).after());
        }
      }
    }
    if (duplicates > 0) {
      DeliveryCheck.problem(
          problems, "%d idempotency keys were acknowledged more than once", duplicates);
    }
    int unused = deadLetters.size() - excused;
    latencies.sort(null);
    ScenarioReport report =
        new ScenarioReport(
            scenario,
            truth.size(),
            matched,
            duplicates,
            deadLetters.size(),
            DeliveryCheck.percentile(latencies, 50),
            DeliveryCheck.percentile(latencies, 99),
            null,
            List.copyOf(problems));
    return new Result(report, excused, otherDelivered, lost, misordered, unused);
  }

  private static Map<RowKey, List<TruthChange>> byKey(List<TruthChange> changes) {
    Map<RowKey, List<TruthChange>> byKey = new LinkedHashMap<>();
    changes.forEach(c -> byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c));
    return byKey;
  }

  private static boolean same(TruthChange want, Delivered have) {
    return want.op().equals(have.op()) && Objects.equals(want.after(), have.after());
  }

  private static int indexOf(List<TruthChange> changes, int from, Delivered have) {
    for (int m = from; m < changes.size(); m++) {
      if (same(changes.get(m), have)) {
        return m;
      }
    }
    return -1;
  }

  private static boolean removeSame(List<TruthChange> excuses, TruthChange want) {
    for (int m = 0; m < excuses.size(); m++) {
      TruthChange e = excuses.get(m);
      if (e.op().equals(want.op()) && Objects.equals(e.after(), want.after())) {
        excuses.remove(m);
        return true;
      }
    }
    return false;
  }
}
