package io.twinlog.dedup.processor;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The highest sequence number of each table-partition and domain for which the exact rule wrote a
 * first-GTID entry, so that a transaction's first change, whose sequence number is above it (the
 * normal case: sequence numbers grow), needs no range read of the {@code seen} store to learn that
 * no other server id emitted it: there is no entry above the ceiling.
 *
 * <p>The ceilings count only entries written since they exist. State from a version without them
 * may hold entries above a ceiling; the marker {@code "dv|"} says from which commit time on every
 * entry is counted ({@code Long.MIN_VALUE}: the task started empty), and until the window has
 * passed that time the store is read as before.
 */
final class SequenceCeilings {
  private static final String SINCE = "dv|";

  private final KeyValueStore<String, byte[]> progress;
  private final long windowMs;
  private final LongSupplier newestCommit;
  private final Map<String, Long> ceilings = new HashMap<>();
  private Long since;
  private boolean sinceStored;

  /**
   * @param startedEmpty whether the task's progress store held nothing when this instance began (a
   *     new pipeline or a state directory restored from nothing): then no older entries exist
   */
  SequenceCeilings(
      KeyValueStore<String, byte[]> progress,
      long windowMs,
      LongSupplier newestCommit,
      boolean startedEmpty) {
    this.progress = progress;
    this.windowMs = windowMs;
    this.newestCommit = newestCommit;
    byte[] bytes = progress.get(SINCE);
    if (bytes != null) {
      since = ByteBuffer.wrap(bytes).getLong();
      sinceStored = true;
    } else if (startedEmpty) {
      since = Long.MIN_VALUE;
    }
  }

  /** Whether no first-GTID entry of the sequence number can exist around {@code ts}. */
  boolean above(String table, String domain, long seq, long ts) {
    if (since == null || (since != Long.MIN_VALUE && ts - windowMs <= since)) {
      return false;
    }
    return seq > ceiling(table, domain);
  }

  /** Counts an entry written for the sequence number. */
  void wrote(String table, String domain, long seq) {
    if (!sinceStored) {
      if (since == null) {
        // Entries of the earlier state may exist up to the newest commit so far.
        since = newestCommit.getAsLong();
      }
      progress.put(SINCE, ByteBuffer.allocate(8).putLong(since).array());
      sinceStored = true;
    }
    if (seq > ceiling(table, domain)) {
      String key = "dh|" + table + "|" + domain;
      progress.put(key, ByteBuffer.allocate(8).putLong(seq).array());
      ceilings.put(key, seq);
    }
  }

  private long ceiling(String table, String domain) {
    String key = "dh|" + table + "|" + domain;
    Long known = ceilings.get(key);
    if (known == null) {
      byte[] bytes = progress.get(key);
      known = bytes == null ? Long.MIN_VALUE : ByteBuffer.wrap(bytes).getLong();
      ceilings.put(key, known);
    }
    return known;
  }
}
