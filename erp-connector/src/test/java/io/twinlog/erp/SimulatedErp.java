package io.twinlog.erp;

import com.fasterxml.jackson.databind.JsonNode;
import io.twinlog.erp.ErpTestServer.Reply;
import io.twinlog.erp.ErpTestServer.Request;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ERP with the faults the sink must survive, scheduled by request number: a stretch of 503s,
 * 429s with Retry-After, answers slower than the client's timeout (after the change was stored, so
 * the retry is a duplicate) and a 400 for chosen change ids. It de-duplicates by change id, as an
 * ERP honouring idempotency keys does, and records any per-key order violation it sees.
 *
 * <p>Change ids are {@code key/seq}; a key's changes must arrive with rising {@code seq}.
 */
final class SimulatedErp {
  /** Requests number at which the 503 stretch starts, and how long it lasts. */
  private final int unavailableFrom;

  private final long unavailableForMs;
  private final Set<Integer> throttledRequests;
  private final Set<Integer> slowRequests;
  private final long slowDelayMs;
  private final Set<String> refused;

  private final AtomicInteger requestCount = new AtomicInteger();
  private final AtomicLong unavailableUntilNanos = new AtomicLong(Long.MIN_VALUE);
  final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
  private final Map<String, Integer> highestSeq = new ConcurrentHashMap<>();
  final List<String> orderViolations = new CopyOnWriteArrayList<>();
  final AtomicInteger unavailableAnswers = new AtomicInteger();
  final AtomicInteger throttledAnswers = new AtomicInteger();
  final AtomicInteger slowAnswers = new AtomicInteger();
  final AtomicInteger refusedAnswers = new AtomicInteger();

  /** The refused change ids answered 400 at least once. */
  final Set<String> refusedIds = ConcurrentHashMap.newKeySet();

  SimulatedErp(
      int unavailableFrom,
      long unavailableForMs,
      Set<Integer> throttledRequests,
      Set<Integer> slowRequests,
      long slowDelayMs,
      Set<String> refused) {
    this.unavailableFrom = unavailableFrom;
    this.unavailableForMs = unavailableForMs;
    this.throttledRequests = throttledRequests;
    this.slowRequests = slowRequests;
    this.slowDelayMs = slowDelayMs;
    this.refused = refused;
  }

  /** The distinct change ids stored. */
  int acceptedCount() {
    return accepted.size();
  }

  int duplicates() {
    return accepted.values().stream().mapToInt(count -> count.get() - 1).sum();
  }

  Reply answer(Request request) {
    int number = requestCount.incrementAndGet();
    if (number == unavailableFrom) {
      unavailableUntilNanos.set(System.nanoTime() + unavailableForMs * 1_000_000);
    }
    // The chosen 429 and slow requests are answered that way even inside the outage, so each
    // fault happens however fast the machine gets through the requests.
    boolean chosen = throttledRequests.contains(number) || slowRequests.contains(number);
    if (!chosen && System.nanoTime() < unavailableUntilNanos.get()) {
      unavailableAnswers.incrementAndGet();
      return Reply.status(503, "maintenance");
    }
    if (throttledRequests.contains(number)) {
      throttledAnswers.incrementAndGet();
      return new Reply(429, "too many requests", "1", 0);
    }
    for (JsonNode element : request.elements()) {
      if (refused.contains(element.path("changeId").asText())) {
        refusedAnswers.incrementAndGet();
        refusedIds.add(element.path("changeId").asText());
        return Reply.status(400, "{\"error\":\"customer unknown\"}");
      }
    }
    for (JsonNode element : request.elements()) {
      store(element.path("changeId").asText());
    }
    if (slowRequests.contains(number)) {
      slowAnswers.incrementAndGet();
      return new Reply(200, "{\"ok\":true}", null, slowDelayMs);
    }
    return Reply.ok();
  }

  private void store(String changeId) {
    String key = changeId.substring(0, changeId.indexOf('/'));
    int seq = Integer.parseInt(changeId.substring(changeId.indexOf('/') + 1));
    synchronized (this) {
      // Every earlier change of this key must be stored (or be one the ERP refuses) already.
      for (int earlier = seq - 1; earlier >= 0; earlier--) {
        String earlierId = key + "/" + earlier;
        if (!accepted.containsKey(earlierId) && !refused.contains(earlierId)) {
          orderViolations.add(changeId + " arrived before " + earlierId);
          break;
        }
        if (highestSeq.getOrDefault(key, -1) >= earlier) {
          break; // Everything below was checked when the highest one arrived.
        }
      }
      highestSeq.merge(key, seq, Math::max);
      accepted.computeIfAbsent(changeId, id -> new AtomicInteger()).incrementAndGet();
    }
  }
}
