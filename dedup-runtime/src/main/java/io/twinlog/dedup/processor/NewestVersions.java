package io.twinlog.dedup.processor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The newest version of window-store keys that are written again at every commit time (a key's last
 * emitted change, a sequence number's first GTID), remembered for the most recently used keys so
 * that the hot path answers {@link DedupStores#latest} from memory instead of a range read: on the
 * caching window store such a read merges the record cache, copied key by key into a sorted set,
 * with one RocksDB iterator per segment, and it was the largest single cost per record.
 *
 * <p>What is remembered for a key is exact, not a guess: the store was read over {@code [low,
 * newest commit + window]} (nothing is written above the newest commit), so the remembered version
 * is the newest the store holds at or above {@code low}, or there is none; every later put of the
 * key goes through here. A query is answered only when its whole range lies at or above {@code low}
 * and the version is surely not expired in the store (newer than the task's newest commit minus the
 * window); otherwise the store is read as before. Forgetting (eviction, a new task instance after a
 * rebalance or an aborted transaction, which restores the store) only costs a read.
 */
final class NewestVersions {
  private static final Object NONE = new Object();

  /** The newest version known of one key: at or above {@code low} there is no newer one. */
  private static final class Known {
    long low;
    long ts;
    Object value; // NONE: no version at or above low

    Known(long low, long ts, Object value) {
      this.low = low;
      this.ts = ts;
      this.value = value;
    }
  }

  private final WindowStore<String, byte[]> seen;
  private final long windowMs;
  private final LongSupplier newestCommit;
  private final Map<String, Known> known;

  NewestVersions(
      WindowStore<String, byte[]> seen, long windowMs, LongSupplier newestCommit, int capacity) {
    this.seen = seen;
    this.windowMs = windowMs;
    this.newestCommit = newestCommit;
    this.known =
        new LinkedHashMap<>(capacity * 2, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > capacity;
          }
        };
  }

  /** What {@link DedupStores#latest} returns for the key around {@code now}. */
  byte[] latest(String key, long now) {
    long from = Math.max(0, now - windowMs);
    long newest = newestCommit.getAsLong();
    long expired = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - windowMs;
    Known k = known.get(key);
    if (k != null && from >= k.low) {
      if (k.value == NONE || k.ts < from) {
        return null;
      }
      if (k.ts <= now + windowMs && k.ts > expired) {
        return (byte[]) k.value;
      }
    }
    if (k == null) {
      // Learn the key once, over a range reaching a window below this query, so that the queries
      // of a source up to a window behind are answered too.
      long low = Math.max(0, from - windowMs);
      try (var it = seen.backwardFetch(key, low, Math.max(now, newest) + windowMs)) {
        if (it.hasNext()) {
          var kv = it.next();
          known.put(key, new Known(low, kv.key, kv.value));
        } else {
          known.put(key, new Known(low, Long.MIN_VALUE, NONE));
        }
      }
      return latest(key, now);
    }
    return DedupStores.latest(seen, key, now, windowMs);
  }

  /** Writes a version of the key at {@code ts} to the store, and remembers it if it is newest. */
  void put(String key, byte[] value, long ts) {
    seen.put(key, value, ts);
    Known k = known.get(key);
    if (k != null && ts >= k.low && (k.value == NONE || ts >= k.ts)) {
      k.ts = ts;
      k.value = value;
    }
  }
}
