package io.twinlog.e2e.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The primary's own record of what it committed: every row change, in commit order. */
public final class Truth {

  private final List<TruthChange> changes = new ArrayList<>();

  /** Records changes that were committed together (one transaction), in statement order. */
  public synchronized void committed(List<TruthChange> transaction) {
    changes.addAll(transaction);
  }

  /**
   * Keeps the first {@code size} changes and returns the rest, in commit order: a failover to a
   * replica that had applied only those makes the rest another history.
   */
  public synchronized List<TruthChange> truncate(int size) {
    List<TruthChange> tail = new ArrayList<>(changes.subList(size, changes.size()));
    changes.subList(size, changes.size()).clear();
    return List.copyOf(tail);
  }

  /** Every change in commit order. */
  public synchronized List<TruthChange> changes() {
    return List.copyOf(changes);
  }

  /** Number of row changes committed so far. */
  public synchronized int size() {
    return changes.size();
  }

  /** The change sequence of each row, in commit order. */
  public synchronized Map<RowKey, List<TruthChange>> byKey() {
    Map<RowKey, List<TruthChange>> byKey = new LinkedHashMap<>();
    for (TruthChange change : changes) {
      byKey.computeIfAbsent(change.key(), k -> new ArrayList<>()).add(change);
    }
    return byKey;
  }
}
