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
import java.util.function.Function;

/**
 * Watches an {@link ErpTestServer} for what per-key order forbids: a request for a key while an
 * earlier one of that key is still unanswered, or a change acknowledged before its predecessor.
 * Counts acknowledgements per change id and the requests open at once. Change ids are {@code
 * key/seq} with {@code seq} from 0; none may be dead-lettered (a gap would read as a violation).
 */
final class KeyOrderWatch {
  private final Set<String> keysInFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> lastAcknowledged = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> acknowledgements = new ConcurrentHashMap<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  final AtomicInteger peakOpen = new AtomicInteger();

  /** A watch installed on {@code server}, which answers as {@code erp} does. */
  static KeyOrderWatch install(ErpTestServer server, Function<Request, Reply> erp) {
    KeyOrderWatch watch = new KeyOrderWatch();
    server.behave(
        request -> {
          watch.arrived(request);
          return erp.apply(request);
        });
    server.onAnswer(watch::answering);
    return watch;
  }

  /** A request came in; to be called before it is answered. */
  void arrived(Request request) {
    peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    for (JsonNode element : request.elements()) {
      String key = key(element.path("changeId").asText());
      if (!keysInFlight.add(key)) {
        violations.add(element.path("changeId").asText() + " sent while its key was in flight");
      }
    }
  }

  /** The request is about to be answered with {@code reply}. */
  void answering(Request request, Reply reply) {
    for (JsonNode element : request.elements()) {
      String changeId = element.path("changeId").asText();
      String key = key(changeId);
      keysInFlight.remove(key);
      if (reply.status() / 100 != 2) {
        continue;
      }
      int seq = Integer.parseInt(changeId.substring(changeId.indexOf('/') + 1));
      int previous = lastAcknowledged.getOrDefault(key, -1);
      if (seq != previous + 1) {
        violations.add(changeId + " acknowledged after " + key + "/" + previous);
      }
      lastAcknowledged.put(key, Math.max(seq, previous));
      acknowledgements.computeIfAbsent(changeId, id -> new AtomicInteger()).incrementAndGet();
    }
    open.decrementAndGet();
  }

  /** Requests open now. */
  int open() {
    return open.get();
  }

  /** Change ids acknowledged more than once. */
  List<String> acknowledgedTwice() {
    return acknowledgements.entrySet().stream()
        .filter(entry -> entry.getValue().get() > 1)
        .map(Map.Entry::getKey)
        .toList();
  }

  private static String key(String changeId) {
    return changeId.substring(0, changeId.indexOf('/'));
  }
}
