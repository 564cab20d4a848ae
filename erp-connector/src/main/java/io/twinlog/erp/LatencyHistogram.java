package io.twinlog.erp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** A fixed-bucket histogram of request latencies in milliseconds, safe for concurrent use. */
final class LatencyHistogram {
  /** Upper bounds (inclusive) of the buckets, in ms; a last bucket takes the rest. */
  static final long[] BOUNDS_MS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};

  private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_MS.length + 1);
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong sumMs = new AtomicLong();
  private final AtomicLong maxMs = new AtomicLong();

  void record(long latencyMs) {
    int i = 0;
    while (i < BOUNDS_MS.length && latencyMs > BOUNDS_MS[i]) {
      i++;
    }
    buckets.incrementAndGet(i);
    count.incrementAndGet();
    sumMs.addAndGet(latencyMs);
    maxMs.accumulateAndGet(latencyMs, Math::max);
  }

  /** Requests that took at most {@code BOUNDS_MS[index]} ms (cumulative, Prometheus-style). */
  long cumulative(int index) {
    long total = 0;
    for (int i = 0; i <= index; i++) {
      total += buckets.get(i);
    }
    return total;
  }

  long count() {
    return count.get();
  }

  long sumMs() {
    return sumMs.get();
  }

  long maxMs() {
    return maxMs.get();
  }

  double avgMs() {
    long n = count.get();
    return n == 0 ? 0.0 : (double) sumMs.get() / n;
  }
}
