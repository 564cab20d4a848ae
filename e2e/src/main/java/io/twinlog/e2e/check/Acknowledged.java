package io.twinlog.e2e.check;

import io.twinlog.e2e.erp.ErpRequest;
import io.twinlog.e2e.workload.RowKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the ERP acknowledged of some tables: per row, the first acknowledgement of each idempotency
 * key in order, and how many keys were acknowledged more than once.
 */
record Acknowledged(Map<RowKey, List<Delivered>> byKey, int duplicates) {

  static Acknowledged of(List<ErpRequest> requests, Set<String> tables) {
    Map<String, Integer> seenKeys = new HashMap<>();
    Map<RowKey, List<Delivered>> byKey = new LinkedHashMap<>();
    int duplicates = 0;
    for (ErpRequest request : requests) {
      if (!request.accepted()) {
        continue;
      }
      for (Delivered change : Delivered.parse(request)) {
        if (!tables.contains(change.key().table())) {
          continue;
        }
        int seen = seenKeys.merge(String.valueOf(change.idempotencyKey()), 1, Integer::sum);
        if (seen == 2) {
          duplicates++;
        } else if (seen == 1) {
          byKey.computeIfAbsent(change.key(), k -> new ArrayList<>()).add(change);
        }
      }
    }
    return new Acknowledged(byKey, duplicates);
  }
}
