package io.twinlog.webhook.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * At most one line per interval for a failure that repeats with every request (Kafka away at a
 * thousand webhooks a second must not mean a thousand log lines a second); each line says how many
 * were left out since the last. The metrics count every one.
 */
final class ThrottledLog {
  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong next;
  private final AtomicLong suppressed = new AtomicLong();

  ThrottledLog(Logger log, long intervalNanos, LongSupplier nanoTime) {
    this.log = log;
    this.intervalNanos = intervalNanos;
    this.nanoTime = nanoTime;
    this.next = new AtomicLong(nanoTime.getAsLong());
  }

  /** Logs at WARN, or counts the line as left out if one was logged within the interval. */
  void warn(String message) {
    long now = nanoTime.getAsLong();
    long due = next.get();
    if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
      long left = suppressed.getAndSet(0);
      log.warn(left == 0 ? message : message + " (and " + left + " more since the last line)");
    } else {
      suppressed.incrementAndGet();
    }
  }
}
