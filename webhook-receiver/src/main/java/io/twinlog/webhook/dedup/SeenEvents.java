package io.twinlog.webhook.dedup;

import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The event ids one task has written, each remembered for the window from the time it was first
 * received. A window store drops whole segments as stream time passes, so state stays bounded by
 * the events of one window without a cleanup scan.
 */
final class SeenEvents {
  static final String STORE = "twinlog-webhook-seen";
  private static final byte[] MARK = {1};

  private final WindowStore<String, byte[]> store;
  private final long windowMs;

  SeenEvents(WindowStore<String, byte[]> store, long windowMs) {
    this.store = store;
    this.windowMs = windowMs;
  }

  /**
   * True when {@code eventId} was remembered within the window around {@code timestamp}; both ways,
   * since receiver pods' clocks (the record timestamps) are not in step.
   */
  boolean isDuplicate(String eventId, long timestamp) {
    try (WindowStoreIterator<byte[]> it =
        store.fetch(eventId, Math.max(0, timestamp - windowMs), timestamp + windowMs)) {
      return it.hasNext();
    }
  }

  void remember(String eventId, long timestamp) {
    store.put(eventId, MARK, timestamp);
  }
}
