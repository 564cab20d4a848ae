package io.twinlog.dedup.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runtime's Micrometer meters; thread-safe, shared by every stream task of the instance. Names
 * are listed in dedup-runtime/README.md.
 */
public class DedupMetrics {
  public static final String PREFIX = "twinlog_dedup_";
  private static final Map<String, DedupMetrics> INSTANCES = new ConcurrentHashMap<>();

  private final MeterRegistry registry;
  private final long windowMs;
  private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> latency = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> newestCommit = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> heartbeat = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> beyondWindow = new ConcurrentHashMap<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final String id = java.util.UUID.randomUUID().toString();

  public DedupMetrics(MeterRegistry registry, Collection<String> sources, long windowMs) {
    this.registry = registry;
    this.windowMs = windowMs;
    for (String source : sources) {
      newestCommit.put(source, new AtomicLong(Long.MIN_VALUE));
      heartbeat.put(source, new AtomicLong(Long.MIN_VALUE));
      beyondWindow.put(source, new AtomicBoolean());
      Gauge.builder(PREFIX + "source_lag_ms", () -> lagMs(source))
          .description("Commit time (source.ts_ms) of the leading source minus this source's")
          .tag("source", source)
          .register(registry);
      Gauge.builder(PREFIX + "source_heartbeat_age_ms", () -> heartbeatAgeMs(source))
          .description("Milliseconds since the source's last Debezium heartbeat (-1: none yet)")
          .tag("source", source)
          .register(registry);
    }
    Gauge.builder(PREFIX + "stored_minus_sent", () -> accepted.get() - sent.get())
        .description("Changes accepted as new minus changes acknowledged on output topics")
        .register(registry);
    INSTANCES.put(id, this);
  }

  /** Identifies this instance to {@link OutputAcknowledgements}, which Kafka instantiates. */
  public String id() {
    return id;
  }

  static DedupMetrics byId(String id) {
    return INSTANCES.get(id);
  }

  /** Forgets this instance in the lookup used by producer interceptors. */
  public void unregister() {
    INSTANCES.remove(id);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void recordIn(String source, String table) {
    counter("records_in_total", "source", source, "table", table).increment();
  }

  /** A change won: it goes to the output. */
  public void accepted(String table, char op, long sourceTsMs, long nowMs) {
    accepted.incrementAndGet();
    counter("records_out_total", "table", table).increment();
    counter("changes_total", "table", table, "op", String.valueOf(op)).increment();
    Timer timer = latency.get(table);
    if (timer == null) {
      timer = newLatencyTimer(table);
    }
    timer.record(Duration.ofMillis(Math.max(0, nowMs - sourceTsMs)));
  }

  private Timer newLatencyTimer(String table) {
    return latency.computeIfAbsent(
        table,
        t ->
            Timer.builder(PREFIX + "end_to_end_latency")
                .description("source.ts_ms (commit, whole seconds) to output")
                .tag("table", t)
                .publishPercentiles(0.5, 0.99)
                .register(registry));
  }

  /** A synthesized tombstone following an emitted delete. */
  public void tombstoneOut(String table) {
    accepted.incrementAndGet();
    counter("records_out_total", "table", table).increment();
  }

  public void sentAcknowledged() {
    sent.incrementAndGet();
  }

  public void duplicate(String table, String reason) {
    counter("duplicates_dropped_total", "table", table, "reason", reason).increment();
  }

  public void deadLettered(String topic) {
    counter("dead_lettered_total", "topic", topic).increment();
  }

  public void anomaly(String source, AnomalyKind kind) {
    counter("anomalies_total", "source", source, "kind", kind.label()).increment();
  }

  /**
   * Records a source's newest commit time; returns true the first time its lag behind the leading
   * source exceeds the window (so the caller logs once per episode).
   */
  public boolean sourceProgress(String source, long tsMs) {
    AtomicLong newest = newestCommit.get(source);
    if (newest == null) {
      return false;
    }
    newest.accumulateAndGet(tsMs, Math::max);
    boolean behind = lagMs(source) > windowMs;
    AtomicBoolean flag = beyondWindow.get(source);
    if (behind && flag.compareAndSet(false, true)) {
      anomaly(source, AnomalyKind.LAG_BEYOND_WINDOW);
      return true;
    }
    if (!behind) {
      flag.set(false);
    }
    return false;
  }

  public void heartbeat(String source, long nowMs) {
    AtomicLong last = heartbeat.get(source);
    if (last != null) {
      last.set(nowMs);
    }
  }

  public long lagMs(String source) {
    long own = newestCommit.get(source).get();
    long leader = own;
    for (AtomicLong other : newestCommit.values()) { // a loop: this runs for every record
      leader = Math.max(leader, other.get());
    }
    return own == Long.MIN_VALUE ? (leader == Long.MIN_VALUE ? 0 : -1) : leader - own;
  }

  private double heartbeatAgeMs(String source) {
    long last = heartbeat.get(source).get();
    return last == Long.MIN_VALUE ? -1 : System.currentTimeMillis() - last;
  }

  /** Meter identity without building strings on the per-record path (tag keys are per name). */
  private record MeterKey(String name, String first, String second) {}

  private Counter counter(String name, String... tags) {
    MeterKey key = key(name, tags);
    Counter counter = counters.get(key);
    if (counter == null) {
      counter =
          counters.computeIfAbsent(
              key, k -> Counter.builder(PREFIX + name).tags(tags).register(registry));
    }
    return counter;
  }

  private static MeterKey key(String name, String... tags) {
    return new MeterKey(name, tags.length > 1 ? tags[1] : null, tags.length > 3 ? tags[3] : null);
  }

  /** Current value of a counter, 0 if it was never touched (tests and the benchmark read this). */
  public double count(String name, String... tags) {
    Counter counter = counters.get(key(name, tags));
    return counter == null ? 0 : counter.count();
  }

  public long storedMinusSent() {
    return accepted.get() - sent.get();
  }
}
