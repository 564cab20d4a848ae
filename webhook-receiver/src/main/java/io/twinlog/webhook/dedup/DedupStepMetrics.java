package io.twinlog.webhook.dedup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The dedup step's own meters (Kafka Streams' and RocksDB's come from Micrometer's binder). */
public final class DedupStepMetrics {
  public static final String PREFIX = "twinlog_webhook_dedup_";

  private final Counter in;
  private final Counter out;
  private final Counter duplicates;
  private final Counter withoutEventId;

  public DedupStepMetrics(MeterRegistry registry) {
    in = counter(registry, "records_in_total", "Records read from the receiver's topic");
    out = counter(registry, "records_out_total", "First copies of an event id written");
    duplicates =
        counter(registry, "duplicates_total", "Copies of an event id seen within the window");
    withoutEventId =
        counter(registry, "without_event_id_total", "Records without an event id, forwarded");
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(PREFIX + name).description(description).register(registry);
  }

  void in() {
    in.increment();
  }

  void out() {
    out.increment();
  }

  void duplicate() {
    duplicates.increment();
  }

  void withoutEventId() {
    withoutEventId.increment();
  }

  public long duplicates() {
    return (long) duplicates.count();
  }

  public long written() {
    return (long) out.count();
  }
}
